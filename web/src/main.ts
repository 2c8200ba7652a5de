/// Entry point: model picker, tabs, and the three views.
import './style.css';
import { AppState } from './state';
import { mount as mountApplicant } from './views/applicant';
import { mount as mountBatch } from './views/batch';
import { registerBatchPanel } from './views/batch_panels';
import { createReviewPanels } from './views/batch_review';
import { mount as mountModel } from './views/model';
import type { ModelEntry } from './types';
import { h } from './dom';

const state = new AppState();
const select = document.getElementById('model-select') as HTMLSelectElement;
const fileInput = document.getElementById('bundle-file') as HTMLInputElement;
const status = document.getElementById('model-status') as HTMLElement;
const bar = document.getElementById('model-bar') as HTMLElement;
const kUserOption = '__user__';

function setStatus(text: string, kind: 'ok' | 'error' | 'busy' = 'ok'): void {
  status.textContent = text;
  bar.dataset.state = kind;
}

/// Loads bundle text into the engine, frees the previous one, and tells the views.
async function loadBundle(text: string, source: string): Promise<void> {
  setStatus(`Loading ${source}…`, 'busy');
  document.body.dataset.loading = '1';
  try {
    const { handle, info } = await state.client.loadBundle(text);
    const previous = state.bundle;
    state.setBundle({ handle, info, source, text });
    if (previous) void state.client.unloadBundle(previous.handle).catch(() => undefined);
    const v = info.metrics?.validation;
    const auc = typeof v?.auc === 'number' ? ` · validation AUC ${v.auc.toFixed(3)}` : '';
    const prohibited = info.training?.prohibited_basis ?? [];
    const basis = prohibited.length > 0 ? ` · uses a prohibited basis: ${prohibited.join(', ')}` : '';
    setStatus(`${source} — ${info.kind} model predicting ${info.target.name} = ${info.target.positive}${auc}${basis}`);
    delete document.body.dataset.loadError;
    document.body.dataset.ready = '1';
    document.body.dataset.model = source;
  } catch (e) {
    setStatus(`Could not load ${source}: ${(e as Error).message}. ${activeModelNote()}`, 'error');
    document.body.dataset.loadError = source;
    syncSelect();
  } finally {
    delete document.body.dataset.loading;
  }
}

/// After a failed load: which model is still in use (the previous one stays loaded).
function activeModelNote(): string {
  return state.bundle ? `Still using ${state.bundle.source}.` : 'No model is loaded.';
}

/// Points the model picker back at the model in use (a failed pick must not look selected).
function syncSelect(): void {
  const active = state.bundle?.source;
  if (!active) return;
  const shipped = state.models.find((m) => m.name === active || m.file === active);
  if (shipped) select.value = shipped.file;
  else if (select.querySelector(`option[value="${kUserOption}"]`)) select.value = kUserOption;
}

async function loadShipped(file: string): Promise<void> {
  const entry = state.models.find((m) => m.file === file);
  const name = entry?.name ?? file;
  try {
    const res = await fetch(file);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    await loadBundle(await res.text(), name);
  } catch (e) {
    setStatus(`Could not fetch ${name}: ${(e as Error).message}. ${activeModelNote()}`, 'error');
    syncSelect();
  }
}

function modelLabel(m: ModelEntry): string {
  return `${m.dataset.replace(/_/g, ' ')} — ${m.kind || 'model'}`;
}

async function initModels(): Promise<void> {
  try {
    const res = await fetch('models/index.json');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    state.models = (await res.json()) as ModelEntry[];
  } catch (e) {
    setStatus(`No model list (models/index.json): ${(e as Error).message}. Open a bundle file instead.`, 'error');
    state.models = [];
  }
  select.replaceChildren(
    ...state.models.map((m) => h('option', { value: m.file, text: modelLabel(m), title: m.name })),
  );
  if (state.models.length === 0) select.append(h('option', { value: '', text: 'No shipped models' }));
  if (state.models.length > 0) {
    // Start with a logistic model when there is one: the smallest bundles (a forest's can be
    // megabytes), so the first screen appears without a large download.
    const first = state.models.find((m) => m.kind === 'logistic') ?? state.models[0];
    select.value = first.file;
    await loadShipped(first.file);
  }
}

select.addEventListener('change', () => {
  if (select.value && select.value !== kUserOption) void loadShipped(select.value);
});

fileInput.addEventListener('change', async () => {
  const file = fileInput.files?.[0];
  if (!file) return;
  await loadBundle(await file.text(), file.name);
  if (state.bundle?.source === file.name) {
    select.querySelector(`option[value="${kUserOption}"]`)?.remove();
    select.append(h('option', { value: kUserOption, text: `Your file: ${file.name}` }));
    select.value = kUserOption;
  }
  fileInput.value = '';
});

// Tabs (WAI-ARIA tabs pattern: arrow keys move between tabs).
const tabs = Array.from(document.querySelectorAll<HTMLButtonElement>('[role="tab"]'));
function selectTab(tab: HTMLButtonElement, focus = false): void {
  for (const t of tabs) {
    const selected = t === tab;
    t.setAttribute('aria-selected', String(selected));
    t.tabIndex = selected ? 0 : -1;
    const panel = document.getElementById(t.getAttribute('aria-controls')!)!;
    panel.hidden = !selected;
  }
  if (focus) tab.focus();
  document.body.dataset.view = tab.id.replace('tab-', '');
}
tabs.forEach((tab, i) => {
  tab.addEventListener('click', () => selectTab(tab));
  tab.addEventListener('keydown', (e) => {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (delta) selectTab(tabs[(i + delta + tabs.length) % tabs.length], true);
    if (e.key === 'Home') selectTab(tabs[0], true);
    if (e.key === 'End') selectTab(tabs[tabs.length - 1], true);
  });
});
selectTab(tabs[0]);

mountApplicant(document.getElementById('view-applicant')!, state);
// A batch row opened in the Applicant screen: show that screen (the view fills and scores the form).
state.onOpenApplicant(() => selectTab(document.getElementById('tab-applicant') as HTMLButtonElement));
// The Batch screen's back-test, monitoring and fairness panels (a second, scores-only pass of the
// engine over the file).
let review: ReturnType<typeof createReviewPanels> | null = null;
registerBatchPanel({
  mount(container, s) {
    review = createReviewPanels(s);
    container.append(review.el);
  },
  show(_result, bundle, file) {
    review?.run(file, bundle);
  },
  reset() {
    review?.reset();
  },
});
mountBatch(document.getElementById('view-batch')!, state);
mountModel(document.getElementById('view-model')!, state);

state.client.version().then(
  (v) => {
    (document.getElementById('engine-version') as HTMLElement).textContent = `Engine ${v}`;
    document.body.dataset.engine = v;
  },
  (e: Error) => setStatus(`The engine did not start: ${e.message}`, 'error'),
);
void initModels();
