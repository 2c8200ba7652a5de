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

/// Scores the form through the engine (at most one request in flight), renders the decision and
/// wires the buttons; one per Applicant screen.
class ApplicantController {
  private readonly card = new ResultCard();
  private readonly form: ApplicantForm;
  private readonly ui: ReturnType<typeof layout>;
  private bundle: LoadedBundle | null = null;
  private inFlight = false;
  private dirty = false;
  private previousPd: number | null = null;

  constructor(
    private readonly el: HTMLElement,
    private readonly state: AppState,
  ) {
    const fieldsBox = h('div', { class: 'fields' });
    this.form = new ApplicantForm(fieldsBox, () => {
      if (this.ui.whatIf.checked) this.requestScore();
    });
    this.ui = layout(el, fieldsBox, this.card);
  }

  private render(r: ScoreResult, b: LoadedBundle, record: Record<string, string>): void {
    const labels = this.form.labels();
    const w = whatIfText(this.previousPd, r.pd);
    this.card.deltaEl.textContent = w.text;
    this.card.deltaEl.className = `delta small ${w.direction === 'up' || w.direction === 'down' ? w.direction : 'muted'}`;
    this.previousPd = r.pd;
    const c = decisionCard(r, { labels, current: record, policy: b.info.policy });
    const label = (f: string) => `${labels[f] ?? f} = ${record[f] === '' || record[f] === undefined ? 'missing' : record[f]}`;
    this.card.render(c, r, b.info, pointsWaterfall(r.base_points ?? 0, r.points_by_feature ?? {}, label));
    const sha = String(b.info.content_sha256 ?? '').slice(0, 12);
    this.card.printHead.textContent = `Decision record · ${this.ui.reference.value || 'no reference'} · model ${b.source} (${b.info.kind}, sha256 ${sha}…) · ${new Date().toISOString()}`;
  }

  private async score(): Promise<void> {
    if (!this.bundle) return;
    const rec = this.form.values();
    if (!rec) {
      this.card.showError('Some numeric fields do not hold a number.');
      return;
    }
    const b = this.bundle;
    this.inFlight = true;
    this.el.dataset.scoring = '1';
    try {
      const t0 = performance.now();
      const r = await this.state.client.score(b.handle, rec, true);
      if (b !== this.bundle) return; // the model changed meanwhile
      this.state.setScoreTiming(b, performance.now() - t0);
      this.card.showError(null);
      this.render(r, b, rec);
      this.el.dataset.scored = String(Number(this.el.dataset.scored ?? 0) + 1);
    } catch (e) {
      this.card.showError((e as Error).message);
    } finally {
      this.inFlight = false;
      delete this.el.dataset.scoring;
      if (this.dirty) {
        this.dirty = false;
        void this.score();
      }
    }
  }

  /// Coalesces bursts of changes: at most one request in flight, then one more with the latest values.
  requestScore(): void {
    if (this.inFlight) this.dirty = true;
    else void this.score();
  }

  private async downloadReceipt(): Promise<void> {
    const b = this.bundle;
    const rec = this.form.values();
    if (!b || !rec) return;
    try {
      const reference = this.ui.reference.value;
      const receipt = await this.state.client.receipt({ handle: b.handle, record: rec, applicantReference: reference, bundleName: b.source });
      downloadJson(`decision_${(reference || 'applicant').replace(/[^A-Za-z0-9_.-]+/g, '_')}.json`, receipt);
    } catch (e) {
      this.card.showError((e as Error).message);
    }
  }

  wire(): void {
    const { ui, form, card } = this;
    ui.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.requestScore();
    });
    ui.resetButton.addEventListener('click', () => {
      form.reset();
      this.requestScore();
    });
    card.onApply = (changes) => {
      form.set(changes);
      this.requestScore();
    };
    ui.receiptButton.addEventListener('click', () => void this.downloadReceipt());
    ui.printButton.addEventListener('click', () => window.print());
    // The printed page shows the technical detail too.
    window.addEventListener('beforeprint', () => card.details.setAttribute('open', ''));
    this.state.onOpenApplicant((values, reference) => {
      if (!this.bundle) return;
      form.set(values);
      ui.reference.value = reference;
      this.requestScore();
    });
    this.state.onBundle((b) => this.setBundle(b));
  }

  private setBundle(b: LoadedBundle | null): void {
    this.bundle = b;
    this.previousPd = null;
    this.ui.reference.value = ''; // a reference belongs to one applicant under one model
    delete this.el.dataset.scored;
    this.card.showError(null);
    this.card.clear(); // nothing of the previous model's result may stay on screen (or in data-* flags)
    if (!b) return;
    const method = explainMethod(b.info);
    this.card.methodEl.textContent = `Explanation: ${method.name}. ${method.detail}`;
    this.card.methodEl.dataset.method = b.info.explain?.method ?? '';
    this.card.methodEl.dataset.exact = String(method.exact);
    this.form.build(b.info.features, b.info.schema?.columns);
    void this.score(); // the typical applicant, so the screen is never empty
  }
}

export function mount(el: HTMLElement, state: AppState): void {
  new ApplicantController(el, state).wire();
}
