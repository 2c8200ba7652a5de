/// The page's general number formats (pure: no DOM, tested in tests/node/web_model.test.mjs):
/// a missing or non-finite value is shown as '—'.

export function fmt(x: number | undefined | null, digits = 4): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return '—';
  return x.toFixed(digits);
}

export function pct(x: number | undefined | null, digits = 2): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return '—';
  return `${(x * 100).toFixed(digits)}%`;
}

export function int(x: number | undefined | null): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return '—';
  return Math.round(x).toLocaleString('en-US');
}
