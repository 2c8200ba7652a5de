/// The Batch screen's table of scored rows: decision columns first (band, pd, points, reasons,
/// rules, price, limit), then the inputs; sort by any column (keys computed once per column),
/// filter by band, 25 rows a page (read from the compact store: only the lines shown), and an "Open" button that opens the row in the Applicant screen.
import type { BatchResult } from '../batch/result';
import { filterByCode, numericKeys, pageOf, rankKeys, sortedOrder, tableColumns } from '../batch/table';
import { h, int } from '../dom';
import { pdText, rateText, amountText } from '../decision/format';
import { LineReader } from './batch_lines';

const kPageSize = 25;
const kDescFirst = new Set(['pd', 'points', 'margin', 'rate', 'expected_loss', 'max_amount']);

export class BatchTable {
  readonly el: HTMLElement;
  private readonly wrap = h('div', { class: 'table-wrap' });
  private readonly pager = h('div', { class: 'pager' });
  private readonly status = h('span', { class: 'muted small', 'data-testid': 'batch-table-status' });
  private readonly filter = h('select', { id: 'batch-band-filter', 'data-testid': 'batch-band-filter', 'aria-label': 'Show rows with decision' });
  private result: BatchResult<Blob> | null = null;
  private reader: LineReader | null = null;
  private keys = new Map<number, Float64Array>();
  private sortCol = -1;
  private sortDesc = false;
  private sorted: Uint32Array = new Uint32Array(0);
  private order: Uint32Array = new Uint32Array(0);
  private page = 0;
  private generation = 0;
  private pending = 0;
  /// Called with a row's input values (by column name) and its row number.
  onOpen: (values: Record<string, string>, row: number) => void = () => undefined;

  constructor() {
    this.filter.addEventListener('change', () => void this.busy(this.refilter()));
    this.el = h('div', { class: 'results', 'data-testid': 'batch-results' },
      h('div', { class: 'table-tools' }, h('label', { for: 'batch-band-filter', text: 'Decision' }), this.filter, this.status),
      this.wrap,
      this.pager,
    );
    this.reset();
  }

  /// Marks the table busy (data-busy) while `work` runs: the rows shown are read from the
  /// store's lines asynchronously.
  private async busy(work: Promise<void>): Promise<void> {
    this.pending++;
    this.el.dataset.busy = '1';
    try {
      await work;
    } finally {
      if (--this.pending === 0) delete this.el.dataset.busy;
    }
  }

  reset(): void {
    this.generation++;
    this.result = null;
    this.reader = null;
    this.keys.clear();
    this.filter.replaceChildren(h('option', { value: '', text: 'All' }));
    this.filter.disabled = true;
    this.status.textContent = '';
    this.wrap.replaceChildren(h('p', { class: 'muted empty', text: 'Scored rows appear here: decision, PD, points, reasons, rules and price first, then the input columns. Click a column header to sort.' }));
    this.pager.replaceChildren();
  }

  /// Shows the first page; resolves when it is on screen.
  async show(r: BatchResult<Blob>, reader: LineReader): Promise<void> {
    this.result = r;
    this.reader = reader;
    this.keys.clear();
    this.sortCol = -1;
    this.sortDesc = false;
    this.sorted = identity(r.store.length);
    const c = r.store.bandCounts();
    this.filter.replaceChildren(
      h('option', { value: '', text: `All (${int(r.store.length)})` }),
      ...(['approve', 'review', 'decline'] as const).map((b) => h('option', { value: b, text: `${b} (${int(c[b] ?? 0)})` })),
    );
    this.filter.disabled = false;
    await this.refilter();
  }

  private async refilter(): Promise<void> {
    const r = this.result;
    if (!r) return;
    const band = r.store.text.get('band');
    const want = this.filter.value;
    this.order = !want || !band ? this.sorted : filterByCode(this.sorted, band.codes, band.find(want));
    this.page = 0;
    await this.render();
  }

  /// Sort keys of a column, computed once: the compact columns directly, an input column read
  /// from the lines (col -1 = the row number, which is the stored order).
  private async keysOf(col: number): Promise<Float64Array | null> {
    const r = this.result!;
    if (col < 0) return null;
    const cached = this.keys.get(col);
    if (cached) return cached;
    const name = r.header[col];
    const num = r.store.numeric.get(name);
    const text = r.store.text.get(name);
    let k: Float64Array;
    if (num) k = numericKeys(num.toArray());
    else if (text) k = rankKeys(text.codes.toArray(), text.table);
    else {
      this.status.textContent = `Reading ${name} for ${int(r.store.length)} rows…`;
      k = await this.reader!.columnKeys(col);
    }
    this.keys.set(col, k);
    return k;
  }

  private async sortBy(col: number): Promise<void> {
    const r = this.result;
    if (!r) return;
    const mine = ++this.generation;
    if (this.sortCol === col) this.sortDesc = !this.sortDesc;
    else {
      this.sortCol = col;
      this.sortDesc = col >= 0 && kDescFirst.has(r.header[col]);
    }
    const k = await this.keysOf(col);
    if (mine !== this.generation) return;
    this.sorted = k ? sortedOrder(k, this.sortDesc) : identity(r.store.length, this.sortDesc);
    this.status.textContent = '';
    await this.refilter();
  }

  private cell(name: string, v: string): HTMLTableCellElement {
    if (name === 'band') return h('td', {}, h('span', { class: `chip band-${v}`, text: v }));
    if (v === '') return h('td', { text: '' });
    if (name === 'pd') return h('td', { class: 'num', text: pdText(Number(v)), title: v });
    if (name === 'rate') return h('td', { class: 'num', text: rateText(Number(v)), title: v });
    if (name === 'points') return h('td', { class: 'num', text: Number(v).toFixed(1), title: v });
    if (name === 'margin') return h('td', { class: 'num', text: Number(v).toFixed(4), title: v });
    if (name === 'expected_loss' || name === 'max_amount') return h('td', { class: 'num', text: amountText(Number(v)), title: v });
    if (name.startsWith('reason_') || name === 'rules') return h('td', { class: 'wrap', text: v });
    return h('td', { class: Number.isFinite(Number(v)) ? 'num' : '', text: v });
  }

  private async render(): Promise<void> {
    const r = this.result;
    if (!r || !this.reader) return;
    const mine = ++this.generation;
    const cols = [-1, ...tableColumns(r.header)];
    const inputsEnd = r.header.indexOf('pd');
    const p = pageOf(this.order, this.page, kPageSize);
    this.page = p.page;
    const cells = await this.reader.rows(p.indices);
    if (mine !== this.generation) return;
    const headRow = h('tr', {}, h('th', { scope: 'col', text: '' }));
    for (const c of cols) {
      const name = c < 0 ? 'row' : r.header[c];
      const active = c === this.sortCol;
      const btn = h('button', { type: 'button', class: 'sort', text: `${name}${active ? (this.sortDesc ? ' ▼' : ' ▲') : ''}`, title: `Sort by ${name}` });
      btn.addEventListener('click', () => void this.busy(this.sortBy(c)));
      headRow.append(h('th', { scope: 'col', 'aria-sort': active ? (this.sortDesc ? 'descending' : 'ascending') : 'none' }, btn));
    }
    const tbody = h('tbody');
    p.indices.forEach((i, k) => {
      const row = r.store.rows.get(i);
      const line = cells[k];
      const open = h('button', { type: 'button', class: 'button secondary small', 'data-testid': 'batch-open-row', text: 'Open', title: `Open row ${row} in the Applicant screen` });
      open.addEventListener('click', () => {
        const values: Record<string, string> = {};
        for (let c = 0; c < inputsEnd; c++) values[r.header[c]] = line[c] ?? '';
        this.onOpen(values, row);
      });
      const tr = h('tr', { 'data-row': row }, h('td', {}, open));
      for (const c of cols) {
        const td = c < 0 ? h('td', { class: 'num', text: String(row) }) : this.cell(r.header[c], line[c] ?? '');
        td.dataset.col = c < 0 ? 'row' : r.header[c];
        tr.append(td);
      }
      tbody.append(tr);
    });
    this.wrap.replaceChildren(h('table', { class: 'data' }, h('thead', {}, headRow), tbody));
    const prev = h('button', { type: 'button', class: 'button secondary small', text: '← Previous', disabled: p.page === 0 });
    const next = h('button', { type: 'button', class: 'button secondary small', text: 'Next →', disabled: p.page >= p.pages - 1 });
    prev.addEventListener('click', () => {
      this.page -= 1;
      void this.busy(this.render());
    });
    next.addEventListener('click', () => {
      this.page += 1;
      void this.busy(this.render());
    });
    this.pager.replaceChildren(prev, h('span', { class: 'muted small', 'data-testid': 'batch-page', text: `Rows ${int(p.from)}–${int(p.to)} of ${int(this.order.length)} · page ${p.page + 1} of ${p.pages}` }), next);
    this.el.dataset.page = String(p.page);
  }
}

/// 0 … n-1 (or n-1 … 0).
function identity(n: number, desc = false): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = desc ? n - 1 - i : i;
  return out;
}
