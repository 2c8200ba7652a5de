/// The Batch screen's table of scored rows: decision columns first (band, pd, points, reasons,
/// rules, price, limit), then the inputs; sort by any column (keys computed once per column),
/// filter by band, 25 rows a page, and an "Open" button that opens the row in the Applicant screen.
import type { BatchResult } from '../batch/result';
import { filterByBand, pageOf, sortKeys, sortedOrder, tableColumns, type SortKeys } from '../batch/table';
import { bandCounts } from '../batch/stats';
import { h, int } from '../dom';
import { pdText, rateText, amountText } from '../decision/format';

const kPageSize = 25;
const kDescFirst = new Set(['pd', 'points', 'margin', 'rate', 'expected_loss', 'max_amount']);

export class BatchTable {
  readonly el: HTMLElement;
  private readonly wrap = h('div', { class: 'table-wrap' });
  private readonly pager = h('div', { class: 'pager' });
  private readonly filter = h('select', { id: 'batch-band-filter', 'data-testid': 'batch-band-filter', 'aria-label': 'Show rows with decision' });
  private result: BatchResult | null = null;
  private keys = new Map<number, SortKeys>();
  private sortCol = -1;
  private sortDesc = false;
  private sorted: number[] = [];
  private order: number[] = [];
  private page = 0;
  /// Called with a row's input values (by column name) and its row number.
  onOpen: (values: Record<string, string>, row: number) => void = () => undefined;

  constructor() {
    this.filter.addEventListener('change', () => this.refilter());
    this.el = h('div', { class: 'results', 'data-testid': 'batch-results' },
      h('div', { class: 'table-tools' }, h('label', { for: 'batch-band-filter', text: 'Decision' }), this.filter),
      this.wrap,
      this.pager,
    );
    this.reset();
  }

  reset(): void {
    this.result = null;
    this.keys.clear();
    this.filter.replaceChildren(h('option', { value: '', text: 'All' }));
    this.filter.disabled = true;
    this.wrap.replaceChildren(h('p', { class: 'muted empty', text: 'Scored rows appear here: decision, PD, points, reasons, rules and price first, then the input columns. Click a column header to sort.' }));
    this.pager.replaceChildren();
  }

  show(r: BatchResult): void {
    this.result = r;
    this.keys.clear();
    this.sortCol = -1;
    this.sortDesc = false;
    this.sorted = r.rows.map((_, i) => i);
    const bandCol = r.header.indexOf('band');
    const c = bandCounts(r.rows, bandCol);
    this.filter.replaceChildren(
      h('option', { value: '', text: `All (${int(r.rows.length)})` }),
      ...(['approve', 'review', 'decline'] as const).map((b) => h('option', { value: b, text: `${b} (${int(c[b])})` })),
    );
    this.filter.disabled = false;
    this.refilter();
  }

  private refilter(): void {
    if (!this.result) return;
    this.order = filterByBand(this.sorted, this.result.rows, this.result.header.indexOf('band'), this.filter.value);
    this.page = 0;
    this.render();
  }

  private sortBy(col: number): void {
    const r = this.result;
    if (!r) return;
    if (this.sortCol === col) this.sortDesc = !this.sortDesc;
    else {
      this.sortCol = col;
      this.sortDesc = col >= 0 && kDescFirst.has(r.header[col]);
    }
    let k = this.keys.get(col);
    if (!k) {
      k = sortKeys(r.rows, col);
      this.keys.set(col, k);
    }
    this.sorted = sortedOrder(r.rows, k, this.sortDesc);
    this.refilter();
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

  private render(): void {
    const r = this.result;
    if (!r) return;
    const cols = [-1, ...tableColumns(r.header)];
    const inputsEnd = r.header.indexOf('pd');
    const headRow = h('tr', {}, h('th', { scope: 'col', text: '' }));
    for (const c of cols) {
      const name = c < 0 ? 'row' : r.header[c];
      const active = c === this.sortCol;
      const btn = h('button', { type: 'button', class: 'sort', text: `${name}${active ? (this.sortDesc ? ' ▼' : ' ▲') : ''}`, title: `Sort by ${name}` });
      btn.addEventListener('click', () => this.sortBy(c));
      headRow.append(h('th', { scope: 'col', 'aria-sort': active ? (this.sortDesc ? 'descending' : 'ascending') : 'none' }, btn));
    }
    const p = pageOf(this.order, this.page, kPageSize);
    this.page = p.page;
    const tbody = h('tbody');
    for (const i of p.indices) {
      const row = r.rows[i];
      const open = h('button', { type: 'button', class: 'button secondary small', 'data-testid': 'batch-open-row', text: 'Open', title: `Open row ${row.row} in the Applicant screen` });
      open.addEventListener('click', () => {
        const values: Record<string, string> = {};
        for (let c = 0; c < inputsEnd; c++) values[r.header[c]] = row.cells[c] ?? '';
        this.onOpen(values, row.row);
      });
      const tr = h('tr', { 'data-row': row.row }, h('td', {}, open));
      for (const c of cols) {
        const td = c < 0 ? h('td', { class: 'num', text: String(row.row) }) : this.cell(r.header[c], row.cells[c] ?? '');
        td.dataset.col = c < 0 ? 'row' : r.header[c];
        tr.append(td);
      }
      tbody.append(tr);
    }
    this.wrap.replaceChildren(h('table', { class: 'data' }, h('thead', {}, headRow), tbody));
    const prev = h('button', { type: 'button', class: 'button secondary small', text: '← Previous', disabled: p.page === 0 });
    const next = h('button', { type: 'button', class: 'button secondary small', text: 'Next →', disabled: p.page >= p.pages - 1 });
    prev.addEventListener('click', () => {
      this.page -= 1;
      this.render();
    });
    next.addEventListener('click', () => {
      this.page += 1;
      this.render();
    });
    this.pager.replaceChildren(prev, h('span', { class: 'muted small', 'data-testid': 'batch-page', text: `Rows ${int(p.from)}–${int(p.to)} of ${int(this.order.length)} · page ${p.page + 1} of ${p.pages}` }), next);
  }
}
