/// Batch screen: stream a CSV through the engine worker (progress, cancel), list rejected rows,
/// show a sortable paginated table and summary charts, and download the scored file.
import type { AppState, LoadedBundle } from '../state';
import type { BatchRejected, BatchRow, FeatureInfo } from '../types';
import { bytes, clear, h, int } from '../dom';
import { CancelledError } from '../engine/client';
import { drawBands, drawHistogram, drawRanking } from '../charts/bars';
import { clearShapLegend, drawShapSummary } from '../charts/shap_summary';
import { summaryPoints } from '../charts/shap_colors';
import { destroyChart } from '../charts/register';
import { toCsv } from '../csv';
import { explainMethod, marginUnit } from '../explain';
import { createReviewPanels } from './batch_review';

const kPageSize = 25;
const kMaxRejectedShown = 200;
const kMaxSummaryPoints = 1500;

interface BatchResult {
  source: string;
  header: string[];
  rows: BatchRow[];
  rejected: BatchRejected[];
  summary: { rows_in: number; scored: number; rejected: number };
  seconds: number;
}

export function mount(el: HTMLElement, state: AppState): void {
  const fileInput = h('input', { id: 'batch-file', type: 'file', accept: '.csv,text/csv', class: 'visually-hidden', 'data-testid': 'batch-file-input' });
  const explain = h('input', { type: 'checkbox', id: 'batch-explain', checked: true, 'aria-describedby': 'batch-explain-note' });
  const explainNote = h('p', { id: 'batch-explain-note', class: 'muted small', 'data-testid': 'batch-explain-note', hidden: true });
  const drop = h('div', { class: 'dropzone', tabindex: 0, role: 'button', 'aria-label': 'Drop a CSV file here, or press Enter to choose one' },
    h('div', { class: 'drop-title', text: 'Drop a CSV file here' }),
    h('div', { class: 'muted small', text: 'One applicant per row, same columns as the training data. Parsed and scored locally, in 256 KB slices.' }),
    h('label', { for: 'batch-file', class: 'button secondary', text: 'Choose a CSV file…' }),
  );
  const progress = h('progress', { 'data-testid': 'batch-progress', max: 1, value: 0, 'aria-label': 'Batch progress' });
  const progressText = h('div', { class: 'muted small progress-text', 'aria-live': 'polite', text: 'No file yet.' });
  const cancel = h('button', { type: 'button', class: 'button secondary', text: 'Cancel', disabled: true });
  const summaryEl = h('div', { class: 'summary', 'data-testid': 'batch-summary' });
  const download = h('button', { type: 'button', class: 'button primary', 'data-testid': 'batch-download', text: 'Download scored CSV', disabled: true });
  const rejectedEl = h('div', { class: 'rejected', 'data-testid': 'batch-rejected' });
  const tableWrap = h('div', { class: 'table-wrap' });
  const pager = h('div', { class: 'pager' });
  const resultsEl = h('div', { class: 'results', 'data-testid': 'batch-results' }, tableWrap, pager);
  const canvases = {
    pd: h('canvas', { role: 'img', 'aria-label': 'Histogram of predicted PD' }),
    bands: h('canvas', { role: 'img', 'aria-label': 'Counts per decision band' }),
    shap: h('canvas', { role: 'img', 'aria-label': 'Mean absolute SHAP per feature' }),
    summary: h('canvas', { role: 'img', 'aria-label': 'SHAP summary plot' }),
  };
  const charts = h('div', { class: 'chart-grid two', hidden: true },
    h('div', { class: 'card chart', 'data-testid': 'batch-pd-chart' }, canvases.pd),
    h('div', { class: 'card chart', 'data-testid': 'batch-band-chart' }, canvases.bands),
    h('div', { class: 'card chart tall', 'data-testid': 'batch-shap-chart' }, canvases.shap),
    h('div', { class: 'card chart tall', 'data-testid': 'batch-summary-chart' }, canvases.summary),
  );

  const review = createReviewPanels(state);
  el.append(
    h('div', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', { text: 'Batch scoring' })),
      h('div', { class: 'batch-top' },
        drop,
        h('div', { class: 'batch-side' },
          h('label', { class: 'check' }, explain, h('span', { text: 'Include SHAP contributions (shap_<feature>, base_value)' })),
          explainNote,
          h('div', { class: 'progress-row' }, progress, cancel),
          progressText,
          summaryEl,
          download,
        ),
      ),
      fileInput,
    ),
    charts,
    review.el,
    h('div', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { text: 'Rejected rows' })), rejectedEl),
    h('div', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { text: 'Scored rows' })), resultsEl),
  );

  let bundle: LoadedBundle | null = null;
  let controller: AbortController | null = null;
  let result: BatchResult | null = null;
  let sortCol = -1;
  let sortDesc = false;
  let page = 0;
  let order: number[] = [];

  function setRunning(running: boolean): void {
    cancel.disabled = !running;
    fileInput.disabled = running;
    drop.classList.toggle('busy', running);
    el.dataset.running = running ? '1' : '';
  }

  function resetOutput(): void {
    result = null;
    clear(summaryEl);
    rejectedEl.replaceChildren(h('p', { class: 'muted', text: 'Rows that cannot be scored are listed here with the reason.' }));
    tableWrap.replaceChildren(h('p', { class: 'muted empty', text: 'Scored rows appear here: pd, band, points and margin first, then the input columns. Click a column header to sort.' }));
    clear(pager);
    download.disabled = true;
    charts.hidden = true;
    for (const c of Object.values(canvases)) destroyChart(c);
    clearShapLegend(canvases.summary);
    review.reset();
    delete el.dataset.done;
  }

  async function run(file: File): Promise<void> {
    if (!bundle) {
      progressText.textContent = 'Load a model first.';
      return;
    }
    controller?.abort();
    resetOutput();
    const b = bundle;
    const ctl = new AbortController();
    controller = ctl;
    const rows: BatchRow[] = [];
    const rejected: BatchRejected[] = [];
    let header: string[] = [];
    const t0 = performance.now();
    setRunning(true);
    progress.value = 0;
    progressText.textContent = `Reading ${file.name} (${bytes(file.size)})…`;
    try {
      const last = await state.client.batch(
        { handle: b.handle, file, sourceName: file.name, explain: explain.checked },
        {
          signal: ctl.signal,
          onProgress: (p) => {
            if (p.chunk.header) header = p.chunk.header;
            for (const r of p.chunk.rows) rows.push(r);
            for (const r of p.chunk.rejected) rejected.push(r);
            progress.value = p.totalBytes > 0 ? p.bytesRead / p.totalBytes : 1;
            progressText.textContent = `${bytes(p.bytesRead)} of ${bytes(p.totalBytes)} · ${int(rows.length)} scored · ${int(rejected.length)} rejected`;
          },
        },
      );
      if (last.header) header = last.header;
      for (const r of last.rows) rows.push(r);
      for (const r of last.rejected) rejected.push(r);
      progress.value = 1;
      const seconds = (performance.now() - t0) / 1000;
      result = { source: file.name, header, rows, rejected, summary: last.summary, seconds };
      const st = last.stats;
      progressText.textContent = `Done in ${seconds.toFixed(2)} s${st ? ` (engine ${st.engineSeconds.toFixed(2)} s, engine memory ${bytes(st.wasmHeapBytes)})` : ''}.`;
      el.dataset.seconds = String(seconds);
      if (st) {
        el.dataset.engineSeconds = String(st.engineSeconds);
        el.dataset.wasmHeapBytes = String(st.wasmHeapBytes);
      }
      show(result, b);
      review.run(file, b);
    } catch (e) {
      if (e instanceof CancelledError) {
        progressText.textContent = `Cancelled after ${int(rows.length)} rows.`;
        el.dataset.cancelled = '1';
      } else {
        progressText.textContent = `Failed: ${(e as Error).message}`;
        progressText.classList.add('error-text');
      }
    } finally {
      if (controller === ctl) controller = null;
      setRunning(false);
    }
  }

  function show(r: BatchResult, b: LoadedBundle): void {
    progressText.classList.remove('error-text');
    const s = r.summary;
    summaryEl.dataset.rowsIn = String(s.rows_in);
    summaryEl.dataset.scored = String(s.scored);
    summaryEl.dataset.rejected = String(s.rejected);
    summaryEl.replaceChildren(
      h('div', { class: 'kpi' }, h('span', { class: 'kpi-value', text: int(s.rows_in) }), h('span', { class: 'kpi-label', text: 'rows in' })),
      h('div', { class: 'kpi-op', text: '=' }),
      h('div', { class: 'kpi' }, h('span', { class: 'kpi-value', text: int(s.scored) }), h('span', { class: 'kpi-label', text: 'scored' })),
      h('div', { class: 'kpi-op', text: '+' }),
      h('div', { class: 'kpi' }, h('span', { class: 'kpi-value', text: int(s.rejected) }), h('span', { class: 'kpi-label', text: 'rejected' })),
    );
    download.disabled = r.rows.length === 0;
    renderRejected(r);
    sortCol = -1;
    sortDesc = false;
    page = 0;
    order = r.rows.map((_, i) => i);
    renderTable();
    renderCharts(r, b);
    el.dataset.done = '1';
  }

  function renderRejected(r: BatchResult): void {
    clear(rejectedEl);
    if (r.rejected.length === 0) {
      rejectedEl.append(h('p', { class: 'muted', text: 'No rejected rows.' }));
      return;
    }
    const sorted = [...r.rejected].sort((a, b) => a.row - b.row);
    const tbody = h('tbody');
    for (const x of sorted.slice(0, kMaxRejectedShown)) tbody.append(h('tr', {}, h('td', { class: 'num', text: String(x.row) }), h('td', { text: x.reason })));
    rejectedEl.append(
      h('p', { class: 'small', text: `${int(sorted.length)} row(s) could not be scored. Row numbers are as a spreadsheet shows them (the header is row 1).` }),
      h('div', { class: 'table-wrap short' },
        h('table', { class: 'data' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Row' }), h('th', { scope: 'col', text: 'Reason' }))), tbody),
      ),
    );
    if (sorted.length > kMaxRejectedShown) rejectedEl.append(h('p', { class: 'muted small', text: `…and ${int(sorted.length - kMaxRejectedShown)} more (all listed in the engine's summary count).` }));
  }

  /// Table columns: row number, the scoring outputs, then the input columns (SHAP columns are in the download).
  function tableColumns(r: BatchResult): number[] {
    const idx = (name: string) => r.header.indexOf(name);
    const outputs = ['pd', 'band', 'points', 'margin'].map(idx).filter((i) => i >= 0);
    const inputsEnd = idx('pd') >= 0 ? idx('pd') : r.header.length;
    const inputs = Array.from({ length: inputsEnd }, (_, i) => i);
    return [...outputs, ...inputs];
  }

  function cellValue(row: BatchRow, col: number): string {
    return col < 0 ? String(row.row) : row.cells[col] ?? '';
  }

  function sortBy(col: number): void {
    if (!result) return;
    if (sortCol === col) sortDesc = !sortDesc;
    else {
      sortCol = col;
      sortDesc = col >= 0 && ['pd', 'points', 'margin'].includes(result.header[col]) ? true : false;
    }
    const rows = result.rows;
    const numeric = rows.every((r) => {
      const v = cellValue(r, col);
      return v === '' || Number.isFinite(Number(v));
    });
    const dir = sortDesc ? -1 : 1;
    order = rows.map((_, i) => i);
    order.sort((a, b) => {
      const va = cellValue(rows[a], col);
      const vb = cellValue(rows[b], col);
      let c: number;
      if (numeric) {
        const na = va === '' ? -Infinity : Number(va);
        const nb = vb === '' ? -Infinity : Number(vb);
        c = na - nb;
      } else c = va.localeCompare(vb);
      return c * dir || rows[a].row - rows[b].row;
    });
    page = 0;
    renderTable();
  }

  function renderTable(): void {
    if (!result) return;
    const r = result;
    const cols = [-1, ...tableColumns(r)];
    const pdCol = r.header.indexOf('pd');
    const bandCol = r.header.indexOf('band');
    const pointsCol = r.header.indexOf('points');
    const marginCol = r.header.indexOf('margin');
    const headRow = h('tr');
    for (const c of cols) {
      const name = c < 0 ? 'row' : r.header[c];
      const active = c === sortCol;
      const th = h('th', { scope: 'col', 'aria-sort': active ? (sortDesc ? 'descending' : 'ascending') : 'none' });
      const btn = h('button', { type: 'button', class: 'sort', text: `${name}${active ? (sortDesc ? ' ▼' : ' ▲') : ''}`, title: `Sort by ${name}` });
      btn.addEventListener('click', () => sortBy(c));
      th.append(btn);
      headRow.append(th);
    }
    const pages = Math.max(1, Math.ceil(order.length / kPageSize));
    page = Math.min(page, pages - 1);
    const tbody = h('tbody');
    for (const i of order.slice(page * kPageSize, (page + 1) * kPageSize)) {
      const row = r.rows[i];
      const tr = h('tr');
      for (const c of cols) {
        const v = cellValue(row, c);
        if (c === pdCol) tr.append(h('td', { class: 'num', text: `${(Number(v) * 100).toFixed(2)}%`, title: v }));
        else if (c === pointsCol) tr.append(h('td', { class: 'num', text: Number(v).toFixed(1), title: v }));
        else if (c === marginCol) tr.append(h('td', { class: 'num', text: Number(v).toFixed(4), title: v }));
        else if (c === bandCol) tr.append(h('td', {}, h('span', { class: `chip band-${v}`, text: v })));
        else tr.append(h('td', { class: Number.isFinite(Number(v)) && v !== '' ? 'num' : '', text: v }));
      }
      tbody.append(tr);
    }
    tableWrap.replaceChildren(h('table', { class: 'data' }, h('thead', {}, headRow), tbody));
    const prev = h('button', { type: 'button', class: 'button secondary small', text: '← Previous', disabled: page === 0 });
    const next = h('button', { type: 'button', class: 'button secondary small', text: 'Next →', disabled: page >= pages - 1 });
    prev.addEventListener('click', () => {
      page -= 1;
      renderTable();
    });
    next.addEventListener('click', () => {
      page += 1;
      renderTable();
    });
    const from = order.length === 0 ? 0 : page * kPageSize + 1;
    const to = Math.min(order.length, (page + 1) * kPageSize);
    pager.replaceChildren(prev, h('span', { class: 'muted small', 'data-testid': 'batch-page', text: `Rows ${int(from)}–${int(to)} of ${int(order.length)} · page ${page + 1} of ${pages}` }), next);
  }

  function renderCharts(r: BatchResult, b: LoadedBundle): void {
    if (r.rows.length === 0) return;
    charts.hidden = false;
    const pdCol = r.header.indexOf('pd');
    const bandCol = r.header.indexOf('band');
    const pds = r.rows.map((x) => Number(x.cells[pdCol]));
    const maxPd = Math.max(...pds);
    const hi = Math.min(1, Math.ceil(maxPd * 10) / 10 || 0.1);
    drawHistogram(canvases.pd, 'Predicted probability of default', 'PD bin', pds, 20, 0, hi, true);
    const counts = { approve: 0, review: 0, decline: 0 };
    for (const x of r.rows) {
      const band = x.cells[bandCol] as keyof typeof counts;
      if (band in counts) counts[band] += 1;
    }
    drawBands(canvases.bands, counts);

    const features: FeatureInfo[] = b.info.features;
    const shapCols = features.map((f) => ({ f, shap: r.header.indexOf(`shap_${f.name}`), value: r.header.indexOf(f.name) })).filter((x) => x.shap >= 0);
    if (shapCols.length === 0) {
      destroyChart(canvases.shap);
      destroyChart(canvases.summary);
      canvases.shap.parentElement!.hidden = true;
      canvases.summary.parentElement!.hidden = true;
      return;
    }
    canvases.shap.parentElement!.hidden = false;
    canvases.summary.parentElement!.hidden = false;
    const meanAbs = shapCols.map((c) => ({
      ...c,
      mean: r.rows.reduce((s, x) => s + Math.abs(Number(x.cells[c.shap]) || 0), 0) / r.rows.length,
    }));
    meanAbs.sort((a, b) => b.mean - a.mean || a.f.name.localeCompare(b.f.name));
    const unit = marginUnit(b.info);
    drawRanking(canvases.shap, 'Mean |SHAP| per feature in this batch', `Mean |contribution| (${unit})`, meanAbs.slice(0, 15).map((m) => ({ label: m.f.name, value: m.mean })));

    // SHAP summary on a deterministic sample (every k-th row) of the top 10 features.
    const step = Math.max(1, Math.ceil(r.rows.length / kMaxSummaryPoints));
    const sample = r.rows.filter((_, i) => i % step === 0);
    const top = meanAbs.slice(0, 10);
    drawShapSummary(
      canvases.summary,
      top.map((c) => {
        const cells = sample.map((x) => x.cells[c.value] ?? '');
        const { points, levels } = summaryPoints(c.f.type, cells, sample.map((x) => Number(x.cells[c.shap])), c.f.categories ?? []);
        return { name: c.f.name, label: c.f.description || c.f.name, points, levels };
      }),
      `SHAP value (contribution to the ${unit})`,
    );
  }

  download.addEventListener('click', () => {
    if (!result) return;
    const sorted = [...result.rows].sort((a, b) => a.row - b.row);
    const text = toCsv(result.header, sorted.map((x) => x.cells));
    const blob = new Blob([text], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: `${result.source.replace(/\.csv$/i, '')}_scored.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });

  cancel.addEventListener('click', () => controller?.abort());
  fileInput.addEventListener('change', () => {
    const f = fileInput.files?.[0];
    if (f) void run(f);
    fileInput.value = '';
  });
  drop.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      fileInput.click();
    }
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files?.[0];
    if (f) void run(f);
  });

  /// Kernel SHAP costs thousands of model evaluations per row: say so, with the time measured for
  /// the last applicant scored with this model when there is one.
  function updateExplainNote(): void {
    const b = bundle;
    if (!b || b.info.explain?.method !== 'kernel_shap') {
      explainNote.hidden = true;
      return;
    }
    const method = explainMethod(b.info);
    const ms = state.scoreMs;
    const k = (b.info.explain?.kernel_shap ?? {}) as { num_coalitions?: number; background?: unknown[] };
    const evals = k.num_coalitions && Array.isArray(k.background) ? ` (about ${int(k.num_coalitions * k.background.length)} model evaluations per row)` : '';
    const cost =
      ms !== null
        ? ` Measured here: ${(ms / 1000).toFixed(2)} s for one applicant, so about ${((ms * 1000) / 60000).toFixed(1)} minutes per 1,000 rows.`
        : '';
    explainNote.textContent = `${method.name} is slow${evals}; SHAP is off by default for this model.${cost} Scores alone are fast.`;
    explainNote.hidden = false;
  }
  state.onScoreTiming(() => updateExplainNote());

  resetOutput();
  state.onBundle((b) => {
    controller?.abort();
    bundle = b;
    explain.checked = b?.info.explain?.method !== 'kernel_shap';
    updateExplainNote();
    resetOutput();
    progress.value = 0;
    progressText.textContent = b ? `Ready: rows are scored with ${b.source}.` : 'Load a model first.';
  });
}
