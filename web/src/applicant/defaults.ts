/// The form's starting values: typical training values (median, or the most frequent level).
import type { FeatureInfo } from '../types.ts';
import { trimNumber } from '../decision/format.ts';

export function defaultValue(f: FeatureInfo): string {
  if (f.type === 'numeric') return f.median !== undefined && Number.isFinite(f.median) ? trimNumber(f.median) : '';
  const cats = f.categories ?? [];
  if (f.type === 'boolean') {
    const tokens = cats.length === 2 ? cats : ['false', 'true'];
    return f.median !== undefined && f.median >= 0.5 ? tokens[1] : tokens[0];
  }
  return cats[0] ?? ''; // categories are stored most frequent first
}

/// The label of a feature: its schema description, else its name with spaces.
export function featureLabel(f: { name: string; description?: string }): string {
  return f.description?.trim() || f.name.replace(/_/g, ' ');
}
