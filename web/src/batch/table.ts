/// The Batch screen's table as data (pure: no DOM): which columns to show, sort keys computed once
/// per column on the compact columns (batch/store.ts), band filter and pages. Works on typed
/// index arrays, never on copies of the rows.

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

/// Sort keys of a text column: each row's rank among the distinct strings (code order).
export function rankKeys(codes: ArrayLike<number>, table: string[]): Float64Array {
  const byText = table.map((_, c) => c).sort((a, b) => (table[a] < table[b] ? -1 : table[a] > table[b] ? 1 : 0));
  const rank = new Float64Array(table.length);
  byText.forEach((c, r) => (rank[c] = r));
  const keys = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) keys[i] = rank[codes[i]];
  return keys;
}

/// Sort keys of cells read from the lines: numbers when every non-empty cell is one (empty
/// cells as -Infinity), otherwise the rank of each cell among the distinct strings.
export function cellKeys(cells: ArrayLike<string>): Float64Array {
  const n = cells.length;
  const nums = new Float64Array(n);
  let numeric = true;
  for (let i = 0; i < n && numeric; i++) {
    const v = cells[i];
    const x = v === '' ? -Infinity : Number(v);
    if (v !== '' && !Number.isFinite(x)) numeric = false;
    nums[i] = x;
  }
  if (numeric) return nums;
  const index = new Map<string, number>();
  const table: string[] = [];
  const codes = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let c = index.get(cells[i]);
    if (c === undefined) {
      index.set(cells[i], (c = table.length));
      table.push(cells[i]);
    }
    codes[i] = c;
  }
  return rankKeys(codes, table);
}

/// Sort keys of a numeric column: NaN (an empty cell) sorts lowest, as -Infinity.
export function numericKeys(values: Float64Array): Float64Array {
  const keys = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) keys[i] = Number.isNaN(values[i]) ? -Infinity : values[i];
  return keys;
}

/// Row indices ordered by `keys` (ties in input order: the rows are stored in input order, so
/// the sort is stable by row number whatever the direction).
export function sortedOrder(keys: Float64Array, desc: boolean): Uint32Array {
  const order = new Uint32Array(keys.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const dir = desc ? -1 : 1;
  order.sort((a, b) => {
    const x = keys[a];
    const y = keys[b];
    return x < y ? -dir : x > y ? dir : a - b;
  });
  return order;
}

/// The indices of `order` whose code (codes.get(i)) is `code`; all of `order` for code < 0
/// meaning "no filter" is the caller's: pass null.
export function filterByCode(order: Uint32Array, codes: { get(i: number): number }, code: number): Uint32Array {
  let n = 0;
  for (let k = 0; k < order.length; k++) if (codes.get(order[k]) === code) n++;
  const out = new Uint32Array(n);
  n = 0;
  for (let k = 0; k < order.length; k++) if (codes.get(order[k]) === code) out[n++] = order[k];
  return out;
}

export interface Page {
  indices: number[];
  page: number;
  pages: number;
  /// 1-based first and last row shown (0 and 0 when empty).
  from: number;
  to: number;
}

export function pageOf(order: ArrayLike<number>, page: number, size: number): Page {
  const pages = Math.max(1, Math.ceil(order.length / size));
  const p = Math.min(Math.max(0, page), pages - 1);
  const indices: number[] = [];
  for (let i = p * size; i < Math.min(order.length, (p + 1) * size); i++) indices.push(order[i]);
  return { indices, page: p, pages, from: order.length === 0 ? 0 : p * size + 1, to: Math.min(order.length, (p + 1) * size) };
}
