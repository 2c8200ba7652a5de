/// The Batch screen's table as data (pure: no DOM): which columns to show, sort keys computed once
/// per column, band filter and pages. Works on index arrays, never on copies of the rows.
import type { BatchRow } from '../types.ts';

/// Decision columns shown first, in this order, when the header has them.
export const kLeadColumns = ['band', 'pd', 'points', 'reason_1', 'reason_2', 'reason_3', 'reason_4', 'rules', 'rate', 'expected_loss', 'max_amount', 'margin'];
/// The engine's output columns after the inputs (DecisionColumns() and the explanation columns).
const kOutputColumns = new Set(['pd', 'margin', 'points', 'band', 'rules', 'reason_1', 'reason_2', 'reason_3', 'reason_4', 'expected_loss', 'rate', 'max_amount', 'base_value']);

export function isOutputColumn(name: string): boolean {
  return kOutputColumns.has(name) || name.startsWith('shap_');
}

/// Column indices of the table: the decision columns, then the input columns (SHAP columns are
/// in the download, not in the table).
export function tableColumns(header: string[]): number[] {
  const lead = kLeadColumns.map((n) => header.indexOf(n)).filter((i) => i >= 0);
  const firstOutput = header.findIndex(isOutputColumn);
  const inputsEnd = firstOutput >= 0 ? firstOutput : header.length;
  return [...lead, ...Array.from({ length: inputsEnd }, (_, i) => i)];
}

export interface SortKeys {
  numeric: boolean;
  /// Numbers (empty cells as -Infinity) or the cells themselves.
  keys: Float64Array | string[];
}

/// Sort keys of one column (col -1 = the input row number), computed once.
export function sortKeys(rows: BatchRow[], col: number): SortKeys {
  const n = rows.length;
  const cell = (i: number) => (col < 0 ? String(rows[i].row) : rows[i].cells[col] ?? '');
  let numeric = true;
  const nums = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = cell(i);
    if (v === '') nums[i] = -Infinity;
    else {
      const x = Number(v);
      if (!Number.isFinite(x)) {
        numeric = false;
        break;
      }
      nums[i] = x;
    }
  }
  if (numeric) return { numeric, keys: nums };
  const strs = new Array<string>(n);
  for (let i = 0; i < n; i++) strs[i] = cell(i);
  return { numeric, keys: strs };
}

/// Row indices ordered by the keys (ties by input row number, so the order is stable).
export function sortedOrder(rows: BatchRow[], k: SortKeys, desc: boolean): number[] {
  const order = Array.from({ length: rows.length }, (_, i) => i);
  const dir = desc ? -1 : 1;
  if (k.numeric) {
    const keys = k.keys as Float64Array;
    order.sort((a, b) => (keys[a] === keys[b] ? 0 : keys[a] < keys[b] ? -1 : 1) * dir || rows[a].row - rows[b].row);
  } else {
    const keys = k.keys as string[];
    order.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0) * dir || rows[a].row - rows[b].row);
  }
  return order;
}

/// The indices of `order` whose band cell is `band` ('' = all).
export function filterByBand(order: number[], rows: BatchRow[], bandCol: number, band: string): number[] {
  if (!band || bandCol < 0) return order;
  return order.filter((i) => rows[i].cells[bandCol] === band);
}

export interface Page {
  indices: number[];
  page: number;
  pages: number;
  /// 1-based first and last row shown (0 and 0 when empty).
  from: number;
  to: number;
}

export function pageOf(order: number[], page: number, size: number): Page {
  const pages = Math.max(1, Math.ceil(order.length / size));
  const p = Math.min(Math.max(0, page), pages - 1);
  const indices = order.slice(p * size, (p + 1) * size);
  return { indices, page: p, pages, from: order.length === 0 ? 0 : p * size + 1, to: Math.min(order.length, (p + 1) * size) };
}
