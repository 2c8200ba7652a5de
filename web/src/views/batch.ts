/// Batch screen (controller): stream a CSV through N engine workers (engine/pool.ts: slices in
/// parallel, merged in input order; progress, cancel) into a compact store (batch/store.ts), list
/// rejected rows, show the table (batch_table.ts) and charts (batch_charts.ts), mount the extra
/// panels of batch_panels.ts, and download the scored file with the columns of `loanlens score`.
import type { AppState, LoadedBundle } from '../state';
import type { BatchResult } from '../batch/result';
import { BatchStore } from '../batch/store';
import { bytes, clear, h, int } from '../dom';
import { CancelledError } from '../engine/client';
import { EnginePool, defaultWorkers, type PoolRun } from '../engine/pool';
import { LineReader } from './batch_lines';
import { explainMethod } from '../explain';
import { BatchTable } from './batch_table';
import { BatchCharts } from './batch_charts';
import { batchPanels } from './batch_panels';

const kMaxRejectedShown = 200;

function layout() {
  const fileInput = h('input', { id: 'batch-file', type: 'file', accept: '.csv,text/csv', class: 'visually-hidden', 'data-testid': 'batch-file-input' });
  const explain = h('input', { type: 'checkbox', id: 'batch-explain', checked: true, 'aria-describedby': 'batch-explain-note' });
  const explainNote = h('p', { id: 'batch-explain-note', class: 'muted small', 'data-testid': 'batch-explain-note', hidden: true });
  const drop = h('div', { class: 'dropzone', tabindex: 0, role: 'button', 'aria-label': 'Drop a CSV file here, or press Enter to choose one' },
    h('div', { class: 'drop-title', text: 'Drop a CSV file here' }),
    h('div', { class: 'muted small', text: 'One applicant per row, same columns as the training data. Parsed and scored locally, in 256 KB slices.' }),
    h('label', { for: 'batch-file', class: 'button secondary', text: 'Choose a CSV file…' }),
  );
  const auto = defaultWorkers();
  const workers = h('select', { id: 'batch-workers', 'data-testid': 'batch-workers', 'aria-label': 'Engine workers' },
    h('option', { value: String(auto), text: `${auto} (one per core)` }),
    ...[1, 2, 4, 8].filter((n) => n !== auto).map((n) => h('option', { value: String(n), text: String(n) })),
  );
  const progress = h('progress', { 'data-testid': 'batch-progress', max: 1, value: 0, 'aria-label': 'Batch progress' });
  const progressText = h('div', { class: 'muted small progress-text', 'aria-live': 'polite', text: 'No file yet.' });
  const cancel = h('button', { type: 'button', class: 'button secondary', text: 'Cancel', disabled: true });
  const summaryEl = h('div', { class: 'summary', 'data-testid': 'batch-summary' });
  const download = h('button', { type: 'button', class: 'button primary', 'data-testid': 'batch-download', text: 'Download scored CSV', disabled: true });
  const rejectedEl = h('div', { class: 'rejected', 'data-testid': 'batch-rejected' });
  /// Further panels (back-test, monitoring, fairness …) mount here, one container each.
  const panelsEl = h('div', { class: 'batch-panels', 'data-testid': 'batch-panels' });
  const top = h('div', { class: 'card' },
    h('div', { class: 'card-head' }, h('h2', { text: 'Batch scoring' })),
    h('div', { class: 'batch-top' },
      drop,
      h('div', { class: 'batch-side' },
        h('label', { class: 'check' }, explain, h('span', { text: 'Include SHAP contributions (shap_<feature>, base_value)' })),
        explainNote,
        h('label', { class: 'small', for: 'batch-workers' }, h('span', { text: 'Engine workers ' }), workers),
        h('div', { class: 'progress-row' }, progress, cancel),
        progressText,
        summaryEl,
        download,
      ),
    ),
    fileInput,
  );
  return { fileInput, explain, explainNote, workers, drop, progress, progressText, cancel, summaryEl, download, rejectedEl, panelsEl, top };
}

function renderRejected(el: HTMLElement, store: BatchStore<Blob>): void {
  clear(el);
  if (store.rejectedCount === 0) {
    el.append(h('p', { class: 'muted', text: 'No rejected rows.' }));
    return;
  }
  // In input order already (the parts are merged in input order).
  const listed = store.rejected;
  const tbody = h('tbody');
  for (const x of listed.slice(0, kMaxRejectedShown)) tbody.append(h('tr', {}, h('td', { class: 'num', text: String(x.row) }), h('td', { text: x.reason })));
  el.append(
    h('p', { class: 'small', text: `${int(store.rejectedCount)} row(s) could not be scored. Row numbers are as a spreadsheet shows them (the header is row 1).` }),
    h('div', { class: 'table-wrap short' },
      h('table', { class: 'data' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Row' }), h('th', { scope: 'col', text: 'Reason' }))), tbody),
    ),
  );
  if (store.rejectedCount > kMaxRejectedShown) el.append(h('p', { class: 'muted small', text: `…and ${int(store.rejectedCount - kMaxRejectedShown)} more (all listed in the engine's summary count).` }));
}

function renderSummary(el: HTMLElement, s: BatchResult<Blob>['summary']): void {
  el.dataset.rowsIn = String(s.rows_in);
  el.dataset.scored = String(s.scored);
  el.dataset.rejected = String(s.rejected);
  const kpi = (n: number, label: string) => h('div', { class: 'kpi' }, h('span', { class: 'kpi-value', text: int(n) }), h('span', { class: 'kpi-label', text: label }));
  el.replaceChildren(kpi(s.rows_in, 'rows in'), h('div', { class: 'kpi-op', text: '=' }), kpi(s.scored, 'scored'), h('div', { class: 'kpi-op', text: '+' }), kpi(s.rejected, 'rejected'));
}

/// The scored file with the columns of `loanlens score`: the engine's header line and output
/// lines (its one spreadsheet-safe rule, as the CLI's output), as one Blob over the parts.
function downloadCsv(r: BatchResult<Blob>, reader: LineReader): void {
  const url = URL.createObjectURL(reader.download());
  const a = h('a', { href: url, download: `${r.source.replace(/\.csv$/i, '')}_scored.csv` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/// Kernel SHAP costs thousands of model evaluations per row: say so, with the time measured for the
/// last applicant scored with this model when there is one.
function explainNoteText(b: LoadedBundle, ms: number | null): string | null {
  if (b.info.explain?.method !== 'kernel_shap') return null;
  const k = b.info.explain.kernel_shap ?? {};
  const evals = k.num_coalitions && Array.isArray(k.background) ? ` (about ${int(k.num_coalitions * k.background.length)} model evaluations per row)` : '';
  const cost = ms !== null ? ` Measured here: ${(ms / 1000).toFixed(2)} s for one applicant, so about ${((ms * 1000) / 60000).toFixed(1)} minutes per 1,000 rows.` : '';
  return `${explainMethod(b.info).name} is slow${evals}; SHAP is off by default for this model.${cost} Scores alone are fast.`;
}

/// Runs batches through the engine worker and shows them; one per Batch screen.
class BatchController {
  private readonly ui = layout();
  private readonly table = new BatchTable();
  private readonly charts = new BatchCharts();
  private bundle: LoadedBundle | null = null;
  private controller: AbortController | null = null;
  private result: BatchResult<Blob> | null = null;
  private reader: LineReader | null = null;
  private readonly pool: EnginePool;

  constructor(
    private readonly el: HTMLElement,
    private readonly state: AppState,
  ) {
    this.pool = new EnginePool(state.client);
    el.append(
      this.ui.top,
      this.charts.el,
      h('div', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { text: 'Rejected rows' })), this.ui.rejectedEl),
      h('div', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', { text: 'Scored rows' })), this.table.el),
      this.ui.panelsEl,
    );
    for (const panel of batchPanels) {
      const container = h('div', { class: 'batch-panel' });
      this.ui.panelsEl.append(container);
      panel.mount(container, state);
    }
    this.table.onOpen = (values, row) => state.openApplicant(values, `row ${row}`);
  }

  private setRunning(running: boolean): void {
    this.ui.cancel.disabled = !running;
    this.ui.fileInput.disabled = running;
    this.ui.drop.classList.toggle('busy', running);
    this.el.dataset.running = running ? '1' : '';
  }

  private resetOutput(): void {
    this.result = null;
    this.reader = null;
    clear(this.ui.summaryEl);
    this.ui.rejectedEl.replaceChildren(h('p', { class: 'muted', text: 'Rows that cannot be scored are listed here with the reason.' }));
    this.table.reset();
    this.charts.reset();
    for (const panel of batchPanels) panel.reset();
    this.ui.download.disabled = true;
    delete this.el.dataset.done;
  }

  private async show(r: BatchResult<Blob>, b: LoadedBundle, file: File): Promise<void> {
    this.ui.progressText.classList.remove('error-text');
    renderSummary(this.ui.summaryEl, r.summary);
    this.ui.download.disabled = r.store.length === 0;
    renderRejected(this.ui.rejectedEl, r.store);
    const reader = new LineReader(r.store);
    this.reader = reader;
    await Promise.all([this.table.show(r, reader), this.charts.show(r, b, reader)]);
    if (this.result !== r) return;
    for (const panel of batchPanels) panel.show(r, b, file);
    this.el.dataset.done = '1';
  }

  private async run(file: File): Promise<void> {
    const { ui } = this;
    if (!this.bundle) {
      ui.progressText.textContent = 'Load a model first.';
      return;
    }
    this.controller?.abort();
    this.resetOutput();
    const b = this.bundle;
    const ctl = new AbortController();
    this.controller = ctl;
    let store = new BatchStore<Blob>();
    const t0 = performance.now();
    const workers = Number(ui.workers.value) || 1;
    this.setRunning(true);
    ui.progress.value = 0;
    ui.progressText.textContent = `Reading ${file.name} (${bytes(file.size)})…`;
    try {
      const run = await this.pool.run(b, file, ui.explain.checked, workers, {
        onPart: (part) => store.append(part),
        onProgress: (done, total) => {
          ui.progress.value = total > 0 ? done / total : 1;
          ui.progressText.textContent = `${bytes(done)} of ${bytes(total)} · ${int(store.length)} scored · ${int(store.rejectedCount)} rejected`;
        },
        onRestart: () => {
          store = new BatchStore<Blob>();
        },
      }, ctl.signal);
      const r: BatchResult<Blob> = { source: file.name, header: store.header, store, summary: run.summary, seconds: (performance.now() - t0) / 1000, workers: run.workers, slices: run.slices };
      await this.finished(r, run, b, file);
    } catch (e) {
      if (e instanceof CancelledError) {
        ui.progressText.textContent = `Cancelled after ${int(store.length)} rows.`;
        this.el.dataset.cancelled = '1';
      } else {
        ui.progressText.textContent = `Failed: ${(e as Error).message}`;
        ui.progressText.classList.add('error-text');
      }
    } finally {
      if (this.controller === ctl) this.controller = null;
      this.setRunning(false);
    }
  }

  private async finished(r: BatchResult<Blob>, run: PoolRun, b: LoadedBundle, file: File): Promise<void> {
    this.ui.progress.value = 1;
    this.result = r;
    const engineSeconds = run.stats.reduce((s, x) => s + x.engineSeconds, 0);
    const heaps = run.stats.map((x) => x.wasmHeapBytes);
    const heapText = heaps.length === 1 ? bytes(heaps[0]) : `${heaps.map((x) => bytes(x)).join(' + ')}`;
    const rate = r.seconds > 0 ? ` · ${int(Math.round(r.summary.rows_in / r.seconds))} rows/s` : '';
    this.ui.progressText.textContent = `Done in ${r.seconds.toFixed(2)} s${rate} on ${run.workers} worker(s), ${run.slices} slice(s) (engine ${engineSeconds.toFixed(2)} s, engine memory ${heapText}).`;
    this.el.dataset.seconds = String(r.seconds);
    this.el.dataset.workers = String(run.workers);
    this.el.dataset.slices = String(run.slices);
    this.el.dataset.engineSeconds = String(engineSeconds);
    this.el.dataset.wasmHeapBytes = String(Math.max(...heaps));
    this.el.dataset.wasmHeaps = heaps.join(',');
    this.el.dataset.storeBytes = String(r.store.columnBytes());
    await this.show(r, b, file);
  }

  private updateExplainNote(): void {
    const text = this.bundle ? explainNoteText(this.bundle, this.state.scoreMs) : null;
    this.ui.explainNote.textContent = text ?? '';
    this.ui.explainNote.hidden = text === null;
  }

  wire(): void {
    const { ui } = this;
    ui.download.addEventListener('click', () => {
      if (this.result && this.reader) downloadCsv(this.result, this.reader);
    });
    ui.cancel.addEventListener('click', () => this.controller?.abort());
    ui.fileInput.addEventListener('change', () => {
      const f = ui.fileInput.files?.[0];
      if (f) void this.run(f);
      ui.fileInput.value = '';
    });
    ui.drop.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        ui.fileInput.click();
      }
    });
    ui.drop.addEventListener('dragover', (e) => {
      e.preventDefault();
      ui.drop.classList.add('over');
    });
    ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
    ui.drop.addEventListener('drop', (e) => {
      e.preventDefault();
      ui.drop.classList.remove('over');
      const f = e.dataTransfer?.files?.[0];
      if (f) void this.run(f);
    });
    this.state.onScoreTiming(() => this.updateExplainNote());
    this.resetOutput();
    this.state.onBundle((b) => this.setBundle(b));
  }

  private setBundle(b: LoadedBundle | null): void {
    this.controller?.abort();
    this.bundle = b;
    this.ui.explain.checked = b?.info.explain?.method !== 'kernel_shap';
    this.updateExplainNote();
    this.resetOutput();
    this.ui.progress.value = 0;
    this.ui.progressText.textContent = b ? `Ready: rows are scored with ${b.source}.` : 'Load a model first.';
  }
}

export function mount(el: HTMLElement, state: AppState): void {
  new BatchController(el, state).wire();
}
