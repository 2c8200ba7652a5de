/// The Model screen's global importance chart, read from the bundle's `importance` section (pure:
/// no DOM). The page ranks what the engine stored; it computes no importance of its own.
import type { BundleInfo } from '../types.ts';
import { marginUnit } from '../explain.ts';
import { num } from './values.ts';

export interface ImportanceTable {
  metrics: string[];
  rows: Map<string, Record<string, number>>;
}

/// Global importance per feature from the bundle's `importance` section, whichever of the layouts
/// {feature: {metric: v}}, {metric: {feature: v}} or {features: [{name, metric}]} it uses.
export function importanceTable(info: BundleInfo): ImportanceTable {
  const imp = (info.importance ?? {}) as Record<string, unknown>;
  const rows = new Map<string, Record<string, number>>();
  const names = new Set(info.features.map((f) => f.name));
  const put = (feature: string, metric: string, v: unknown) => {
    const x = num(v);
    if (x === undefined) return;
    if (!rows.has(feature)) rows.set(feature, {});
    rows.get(feature)![metric] = x;
  };
  const list = Array.isArray(imp) ? imp : Array.isArray(imp.features) ? (imp.features as unknown[]) : null;
  if (list) {
    for (const item of list as Record<string, unknown>[]) {
      const name = String(item.name ?? item.feature ?? '');
      for (const [k, v] of Object.entries(item)) if (k !== 'name' && k !== 'feature') put(name, k, v);
    }
  } else {
    for (const [k, v] of Object.entries(imp)) {
      if (!v || typeof v !== 'object') continue;
      if (names.has(k)) for (const [m, x] of Object.entries(v as Record<string, unknown>)) put(k, m, x);
      else for (const [f, x] of Object.entries(v as Record<string, unknown>)) put(f, k, x);
    }
  }
  const metrics = new Set<string>();
  for (const r of rows.values()) for (const m of Object.keys(r)) metrics.add(m);
  return { metrics: [...metrics], rows };
}

/// What the importance chart shows: one metric (mean |SHAP| when the bundle has it, else its first),
/// the top 20 features by it (ties by name), titles, and the box height for all the ranked features.
export interface ImportanceChart {
  metric: string;
  title: string;
  xTitle: string;
  items: { label: string; value: number }[];
  size: 'tall' | 'medium';
}

export function importanceChart(info: BundleInfo): ImportanceChart | null {
  const imp = importanceTable(info);
  const metric = imp.metrics.includes('mean_abs_shap') ? 'mean_abs_shap' : imp.metrics[0];
  if (!metric) return null;
  const items = [...imp.rows.entries()].filter(([, r]) => r[metric] !== undefined).map(([label, r]) => ({ label, value: r[metric] }));
  items.sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
  const shap = metric === 'mean_abs_shap';
  return {
    metric,
    title: shap ? 'Global importance: mean |SHAP| on the validation set' : `Global importance (${metric})`,
    xTitle: shap ? `Mean |contribution| (${marginUnit(info)})` : metric,
    items: items.slice(0, 20),
    size: items.length > 12 ? 'tall' : 'medium',
  };
}
