/// Summaries of a batch for its charts (pure: no DOM). Loops, never spreads: Math.max(...values)
/// throws past about 150,000 values ("Maximum call stack size exceeded").
import type { BatchRow } from '../types.ts';

/// Largest finite value (-Infinity when there is none).
export function maxFinite(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > m && Number.isFinite(values[i])) m = values[i];
  return m;
}

/// Smallest finite value (Infinity when there is none).
export function minFinite(values: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] < m && Number.isFinite(values[i])) m = values[i];
  return m;
}

/// One column as numbers (NaN for empty or non-numeric cells).
export function numericColumn(rows: BatchRow[], col: number): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i].cells[col];
    out[i] = v === undefined || v === '' ? NaN : Number(v);
  }
  return out;
}

export interface BandCounts {
  approve: number;
  review: number;
  decline: number;
}

export function bandCounts(rows: BatchRow[], bandCol: number): BandCounts {
  const counts: BandCounts = { approve: 0, review: 0, decline: 0 };
  for (const r of rows) {
    const b = r.cells[bandCol] as keyof BandCounts;
    if (b in counts) counts[b] += 1;
  }
  return counts;
}

/// Counts of finite values in `bins` equal bins over [lo, hi]; values outside go to the end bins.
export function histogramCounts(values: ArrayLike<number>, bins: number, lo: number, hi: number): number[] {
  const width = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))] += 1;
  }
  return counts;
}

/// Upper end of the PD histogram: the largest PD rounded up to a tenth (at least 0.1, at most 1).
export function pdAxisMax(pds: ArrayLike<number>): number {
  const m = maxFinite(pds);
  return Math.min(1, Math.ceil((Number.isFinite(m) ? m : 0) * 10) / 10 || 0.1);
}
