/// Number formats of the officer's view (pure: no DOM, tested in tests/node/web_format.test.mjs).
/// PD and rate as percentages with two decimals, points as whole numbers, amounts with separators.

export function pdText(pd: number): string {
  return Number.isFinite(pd) ? `${(pd * 100).toFixed(2)}%` : '—';
}

export function rateText(rate: number): string {
  return Number.isFinite(rate) ? `${(rate * 100).toFixed(2)}%` : '—';
}

export function amountText(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—';
}

/// A whole number of points; `signed` writes "+12" / "−8" (a true minus sign).
export function pointsText(points: number, signed = false): string {
  if (!Number.isFinite(points)) return '—';
  const r = Math.round(points);
  if (!signed) return String(r).replace('-', '−');
  return r > 0 ? `+${r}` : r < 0 ? `−${-r}` : '0';
}

/// Trims a number to at most 6 significant digits for a form field ("0.266667", "1200").
export function trimNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

/// The what-if line under the PD: always describes the latest score against the one before it,
/// in percentage points at the precision the PD is shown (two decimals of %).
export function whatIfText(previousPd: number | null, pd: number): { text: string; direction: 'up' | 'down' | 'same' | 'first' } {
  if (previousPd === null) return { text: 'Change any field to see the score move.', direction: 'first' };
  const d = (pd - previousPd) * 100;
  const shown = Number(d.toFixed(2));
  if (shown === 0) return { text: 'PD unchanged since the last score.', direction: 'same' };
  return shown > 0
    ? { text: `▲ +${shown.toFixed(2)} percentage points since the last score`, direction: 'up' }
    : { text: `▼ −${(-shown).toFixed(2)} percentage points since the last score`, direction: 'down' };
}

export function bandLabel(band: string): string {
  return band ? band[0].toUpperCase() + band.slice(1) : '';
}
