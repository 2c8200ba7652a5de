/// Batch screen (controller): stream a CSV through the engine worker (progress, cancel), list
/// rejected rows, show the table (batch_table.ts) and charts (batch_charts.ts), mount the extra
/// panels of batch_panels.ts, and download the scored file with the columns of `loanlens score`.
import type { AppState, LoadedBundle } from '../state';
import type { BatchRejected, BatchRow } from '../types';
import type { BatchResult } from '../batch/result';
import { bytes, clear, h, int } from '../dom';
import { CancelledError } from '../engine/client';
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
        h('div', { class: 'progress-row' }, progress, cancel),
        progressText,
        summaryEl,
        download,
      ),
    ),
    fileInput,
  );
  return { fileInput, explain, explainNote, drop, progress, progressText, cancel, summaryEl, download, rejectedEl, panelsEl, top };
}

function renderRejected(el: HTMLElement, rejected: BatchRejected[]): void {
  clear(el);
  if (rejected.length === 0) {
    el.append(h('p', { class: 'muted', text: 'No rejected rows.' }));
    return;
  }
  const sorted = [...rejected].sort((a, b) => a.row - b.row);
  const tbody = h('tbody');
  for (const x of sorted.slice(0, kMaxRejectedShown)) tbody.append(h('tr', {}, h('td', { class: 'num', text: String(x.row) }), h('td', { text: x.reason })));
  el.append(
    h('p', { class: 'small', text: `${int(sorted.length)} row(s) could not be scored. Row numbers are as a spreadsheet shows them (the header is row 1).` }),
    h('div', { class: 'table-wrap short' },
      h('table', { class: 'data' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Row' }), h('th', { scope: 'col', text: 'Reason' }))), tbody),
    ),
  );
  if (sorted.length > kMaxRejectedShown) el.append(h('p', { class: 'muted small', text: `…and ${int(sorted.length - kMaxRejectedShown)} more (all listed in the engine's summary count).` }));
}

function renderSummary(el: HTMLElement, s: BatchResult['summary']): void {
  el.dataset.rowsIn = String(s.rows_in);
  el.dataset.scored = String(s.scored);
  el.dataset.rejected = String(s.rejected);
  const kpi = (n: number, label: string) => h('div', { class: 'kpi' }, h('span', { class: 'kpi-value', text: int(n) }), h('span', { class: 'kpi-label', text: label }));
  el.replaceChildren(kpi(s.rows_in, 'rows in'), h('div', { class: 'kpi-op', text: '=' }), kpi(s.scored, 'scored'), h('div', { class: 'kpi-op', text: '+' }), kpi(s.rejected, 'rejected'));
}

/// The scored file with the columns of `loanlens score`; the engine writes the lines (its one
/// spreadsheet-safe rule, as the CLI's output).
async function downloadCsv(state: AppState, r: BatchResult): Promise<void> {
  const sorted = [...r.rows].sort((a, b) => a.row - b.row);
  const parts = await state.client.csvText([r.header, ...sorted.map((x) => x.cells)]);
  const url = URL.createObjectURL(new Blob(parts, { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href: url, download: `${r.source.replace(/\.csv$/i, '')}_scored.csv` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
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
  private result: BatchResult | null = null;

  constructor(
    private readonly el: HTMLElement,
    private readonly state: AppState,
  ) {
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
    clear(this.ui.summaryEl);
    this.ui.rejectedEl.replaceChildren(h('p', { class: 'muted', text: 'Rows that cannot be scored are listed here with the reason.' }));
    this.table.reset();
    this.charts.reset();
    for (const panel of batchPanels) panel.reset();
    this.ui.download.disabled = true;
    delete this.el.dataset.done;
  }

  private show(r: BatchResult, b: LoadedBundle, file: File): void {
    this.ui.progressText.classList.remove('error-text');
    renderSummary(this.ui.summaryEl, r.summary);
    this.ui.download.disabled = r.rows.length === 0;
    renderRejected(this.ui.rejectedEl, r.rejected);
    this.table.show(r);
    this.charts.show(r, b);
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
    const rows: BatchRow[] = [];
    const rejected: BatchRejected[] = [];
    let header: string[] = [];
    const t0 = performance.now();
    this.setRunning(true);
    ui.progress.value = 0;
    ui.progressText.textContent = `Reading ${file.name} (${bytes(file.size)})…`;
    try {
      const last = await this.state.client.batch(
        { handle: b.handle, file, sourceName: file.name, explain: ui.explain.checked },
        {
          signal: ctl.signal,
          onProgress: (p) => {
            if (p.chunk.header) header = p.chunk.header;
            for (const r of p.chunk.rows) rows.push(r);
            for (const r of p.chunk.rejected) rejected.push(r);
            ui.progress.value = p.totalBytes > 0 ? p.bytesRead / p.totalBytes : 1;
            ui.progressText.textContent = `${bytes(p.bytesRead)} of ${bytes(p.totalBytes)} · ${int(rows.length)} scored · ${int(rejected.length)} rejected`;
          },
        },
      );
      if (last.header) header = last.header;
      for (const r of last.rows) rows.push(r);
      for (const r of last.rejected) rejected.push(r);
      this.finished({ source: file.name, header, rows, rejected, summary: last.summary, seconds: (performance.now() - t0) / 1000 }, last.stats, b, file);
    } catch (e) {
      if (e instanceof CancelledError) {
        ui.progressText.textContent = `Cancelled after ${int(rows.length)} rows.`;
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

  private finished(r: BatchResult, st: { engineSeconds: number; wasmHeapBytes: number } | undefined, b: LoadedBundle, file: File): void {
    this.ui.progress.value = 1;
    this.result = r;
    this.ui.progressText.textContent = `Done in ${r.seconds.toFixed(2)} s${st ? ` (engine ${st.engineSeconds.toFixed(2)} s, engine memory ${bytes(st.wasmHeapBytes)})` : ''}.`;
    this.el.dataset.seconds = String(r.seconds);
    if (st) {
      this.el.dataset.engineSeconds = String(st.engineSeconds);
      this.el.dataset.wasmHeapBytes = String(st.wasmHeapBytes);
    }
    this.show(r, b, file);
  }

  private updateExplainNote(): void {
    const text = this.bundle ? explainNoteText(this.bundle, this.state.scoreMs) : null;
    this.ui.explainNote.textContent = text ?? '';
    this.ui.explainNote.hidden = text === null;
  }

  wire(): void {
    const { ui } = this;
    ui.download.addEventListener('click', () => {
      if (!this.result) return;
      downloadCsv(this.state, this.result).catch((e: Error) => {
        ui.progressText.textContent = `Could not build the download: ${e.message}`;
      });
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
