/// Summaries of a batch for its charts (pure: no DOM). Loops, never spreads: Math.max(...values)
/// throws past about 150,000 values ("Maximum call stack size exceeded").

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
