/// Applicant screen (controller): the form (applicant_form.ts), the decision card
/// (applicant_result.ts), scoring through the engine worker, what-if mode, recourse options applied
/// to the form, the decision record download and printing.
import type { AppState, LoadedBundle } from '../state';
import type { ScoreResult } from '../types';
import { h } from '../dom';
import { explainMethod } from '../explain';
import { decisionCard } from '../decision/card';
import { whatIfText } from '../decision/format';
import { pointsWaterfall } from '../decision/waterfall_steps';
import { ApplicantForm } from './applicant_form';
import { ResultCard } from './applicant_result';

function downloadJson(name: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2) + '\n'], { type: 'application/json' }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function layout(el: HTMLElement, fieldsBox: HTMLElement, card: ResultCard) {
  const whatIf = h('input', { type: 'checkbox', id: 'whatif', checked: true });
  const reference = h('input', { type: 'text', id: 'applicant-reference', name: '__reference', 'data-testid': 'applicant-reference', placeholder: 'e.g. application number', autocomplete: 'off' });
  const scoreButton = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'score-button', text: 'Score applicant' });
  const resetButton = h('button', { type: 'button', class: 'button secondary', text: 'Reset to typical values' });
  const receiptButton = h('button', { type: 'button', class: 'button secondary', 'data-testid': 'receipt-download', text: 'Download decision record' });
  const printButton = h('button', { type: 'button', class: 'button secondary', 'data-testid': 'print-button', text: 'Print' });
  const form = h('form', { class: 'card form-card', 'data-testid': 'applicant-form', novalidate: true, 'aria-labelledby': 'applicant-title' },
    h('div', { class: 'card-head' },
      h('h2', { id: 'applicant-title', text: 'Applicant' }),
      h('p', { class: 'muted small', text: 'Defaults are typical training values (median or most frequent). Ranges are those seen in training.' }),
    ),
    h('div', { class: 'field reference' }, h('label', { for: 'applicant-reference', text: 'Applicant reference (for the decision record)' }), reference),
    fieldsBox,
    h('div', { class: 'form-actions' },
      scoreButton,
      resetButton,
      h('label', { class: 'check' }, whatIf, h('span', { text: 'What-if mode: re-score on every change' })),
    ),
  );
  card.el.append(h('div', { class: 'form-actions record-actions no-print' }, receiptButton, printButton));
  el.append(h('div', { class: 'applicant-grid' }, form, card.el));
  return { form, whatIf, reference, resetButton, receiptButton, printButton };
}

export function mount(el: HTMLElement, state: AppState): void {
  const fieldsBox = h('div', { class: 'fields' });
  const card = new ResultCard();
  const form = new ApplicantForm(fieldsBox, () => {
    if (ui.whatIf.checked) requestScore();
  });
  const ui = layout(el, fieldsBox, card);

  let bundle: LoadedBundle | null = null;
  let inFlight = false;
  let dirty = false;
  let previousPd: number | null = null;

  function render(r: ScoreResult, b: LoadedBundle, record: Record<string, string>): void {
    const labels = form.labels();
    const w = whatIfText(previousPd, r.pd);
    card.deltaEl.textContent = w.text;
    card.deltaEl.className = `delta small ${w.direction === 'up' || w.direction === 'down' ? w.direction : 'muted'}`;
    previousPd = r.pd;
    const c = decisionCard(r, { labels, current: record, policy: b.info.policy });
    const label = (f: string) => `${labels[f] ?? f} = ${record[f] === '' || record[f] === undefined ? 'missing' : record[f]}`;
    card.render(c, r, b.info, pointsWaterfall(r.base_points ?? 0, r.points_by_feature ?? {}, label));
    card.printHead.textContent = `Decision record · ${ui.reference.value || 'no reference'} · model ${b.source} (${b.info.kind}, sha256 ${String(b.info.content_sha256 ?? '').slice(0, 12)}…) · ${new Date().toISOString()}`;
  }

  async function score(): Promise<void> {
    if (!bundle) return;
    const rec = form.values();
    if (!rec) {
      card.showError('Some numeric fields do not hold a number.');
      return;
    }
    const b = bundle;
    inFlight = true;
    el.dataset.scoring = '1';
    try {
      const t0 = performance.now();
      const r = await state.client.score(b.handle, rec, true);
      if (b !== bundle) return; // the model changed meanwhile
      state.setScoreTiming(b, performance.now() - t0);
      card.showError(null);
      render(r, b, rec);
      el.dataset.scored = String(Number(el.dataset.scored ?? 0) + 1);
    } catch (e) {
      card.showError((e as Error).message);
    } finally {
      inFlight = false;
      delete el.dataset.scoring;
      if (dirty) {
        dirty = false;
        void score();
      }
    }
  }

  /// Coalesces bursts of changes: at most one request in flight, then one more with the latest values.
  function requestScore(): void {
    if (inFlight) dirty = true;
    else void score();
  }

  async function downloadReceipt(): Promise<void> {
    const b = bundle;
    const rec = form.values();
    if (!b || !rec) return;
    try {
      const receipt = await state.client.receipt({ handle: b.handle, record: rec, applicantReference: ui.reference.value, bundleName: b.source });
      const ref = (ui.reference.value || 'applicant').replace(/[^A-Za-z0-9_.-]+/g, '_');
      downloadJson(`decision_${ref}.json`, receipt);
    } catch (e) {
      card.showError((e as Error).message);
    }
  }

  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    requestScore();
  });
  ui.resetButton.addEventListener('click', () => {
    form.reset();
    requestScore();
  });
  card.onApply = (changes) => {
    form.set(changes);
    requestScore();
  };
  ui.receiptButton.addEventListener('click', () => void downloadReceipt());
  ui.printButton.addEventListener('click', () => window.print());
  // The printed page shows the technical detail too.
  window.addEventListener('beforeprint', () => card.details.setAttribute('open', ''));
  state.onOpenApplicant((values, reference) => {
    if (!bundle) return;
    form.set(values);
    ui.reference.value = reference;
    requestScore();
  });

  state.onBundle((b) => {
    bundle = b;
    previousPd = null;
    ui.reference.value = ''; // a reference belongs to one applicant under one model
    delete el.dataset.scored;
    card.showError(null);
    card.clear(); // nothing of the previous model's result may stay on screen (or in data-* flags)
    if (b) {
      const method = explainMethod(b.info);
      card.methodEl.textContent = `Explanation: ${method.name}. ${method.detail}`;
      card.methodEl.dataset.method = b.info.explain?.method ?? '';
      card.methodEl.dataset.exact = String(method.exact);
      form.build(b.info.features, b.info.schema?.columns);
      void score(); // the typical applicant, so the screen is never empty
    }
  });
}
