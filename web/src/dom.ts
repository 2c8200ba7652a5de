/// Small DOM helpers. Text always goes in through textContent (never innerHTML): CSV and bundle
/// values are untrusted.

type Attrs = Record<string, string | number | boolean | undefined | null>;
type Child = Node | string | null | undefined | false;

/// Creates an element; `attrs` keys starting with "data-"/"aria-" or any other name become
/// attributes, except `text` (textContent) and `class`.
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') el.textContent = String(v);
    else if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c) el.append(c);
  return el;
}

export function clear(el: Element): void {
  el.replaceChildren();
}

// The number formats are pure (web/src/numbers.ts, unit-tested under node); views import them here.
export { fmt, int, pct } from './numbers';

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function bandLabel(band: string): string {
  return band ? band[0].toUpperCase() + band.slice(1) : '';
}

let idCounter = 0;
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
