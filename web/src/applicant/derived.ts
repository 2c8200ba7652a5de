/// Derived fields: a schema column declared as the ratio of two others
/// (`"derived": {"ratio": ["loan_amnt", "person_income"]}`, ColumnSpec::derived_ratio) is computed
/// by the form from its parts instead of asked (pure: no DOM).
import type { SchemaColumn } from '../types.ts';
import { trimNumber } from '../decision/format.ts';

export interface DerivedRatio {
  name: string;
  numerator: string;
  denominator: string;
}

export function derivedRatios(columns: SchemaColumn[] | undefined): DerivedRatio[] {
  const out: DerivedRatio[] = [];
  for (const c of columns ?? []) {
    const r = c.derived?.ratio;
    if (Array.isArray(r) && r.length === 2) out.push({ name: c.name, numerator: r[0], denominator: r[1] });
  }
  return out;
}

/// The ratio's value from the form's text values: '' when a part is missing, not a number, or the
/// denominator is zero (the engine then treats the field as missing).
export function derivedValue(values: Record<string, string>, d: DerivedRatio): string {
  const num = values[d.numerator]?.trim() ?? '';
  const den = values[d.denominator]?.trim() ?? '';
  if (num === '' || den === '') return '';
  const n = Number(num);
  const q = Number(den);
  if (!Number.isFinite(n) || !Number.isFinite(q) || q === 0) return '';
  return trimNumber(n / q);
}

/// The values with every derived field recomputed from its parts.
export function withDerived(values: Record<string, string>, ratios: DerivedRatio[]): Record<string, string> {
  const out = { ...values };
  for (const d of ratios) out[d.name] = derivedValue(out, d);
  return out;
}
