/// Colours of the SHAP summary plot. Numeric features: the value's rank within the feature in
/// the plotted rows (mid-rank for ties, scaled to [0, 1]), so skewed amounts spread over the whole
/// blue → red scale instead of bunching at one end. Categorical (and boolean) features: one colour
/// per level, with a legend of levels; never a low → high scale.
import type { SummaryPoint } from './shap_summary';

export const levelPalette = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#1f78b4', '#b15928', '#6a3d9a'];

/// Rank levels in [0, 1] of `values` (NaN stays NaN).
export function rankLevels(values: number[]): number[] {
  const idx = values.map((v, i) => [v, i] as [number, number]).filter(([v]) => Number.isFinite(v)).sort((a, b) => a[0] - b[0]);
  const out = values.map(() => NaN);
  const n = idx.length;
  for (let a = 0; a < n; ) {
    let b = a;
    while (b < n && idx[b][0] === idx[a][0]) b++;
    const mid = (a + b - 1) / 2; // mid-rank of the tie group
    for (let k = a; k < b; k++) out[idx[k][1]] = n > 1 ? mid / (n - 1) : 0.5;
    a = b;
  }
  return out;
}

/// Points of one feature and, for a categorical feature, its legend (levels in the bundle's order
/// that occur in the rows; more than the palette holds share the last colour as "other").
export function summaryPoints(type: string, cells: string[], shap: number[], categories: string[]): { points: SummaryPoint[]; levels?: string[] } {
  if (type === 'numeric') {
    const level = rankLevels(cells.map((c) => (c === '' ? NaN : Number(c))));
    return { points: cells.map((c, i) => ({ shap: shap[i], level: level[i], text: c })) };
  }
  const seen = new Set(cells.filter((c) => c !== ''));
  const ordered = [...categories.filter((c) => seen.has(c)), ...[...seen].filter((c) => !categories.includes(c)).sort()];
  const max = levelPalette.length;
  const levels = ordered.length > max ? [...ordered.slice(0, max - 1), 'other levels'] : ordered;
  const code = (c: string) => {
    const i = ordered.indexOf(c);
    return i < 0 ? -1 : Math.min(i, max - 1);
  };
  return { points: cells.map((c, i) => ({ shap: shap[i], level: NaN, category: c === '' ? -1 : code(c), text: c })), levels };
}
