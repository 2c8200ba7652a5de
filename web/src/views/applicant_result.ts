/// The result card of the Applicant screen: decision and reasons in words, points, price, limit,
/// recourse, then PD and the technical detail (margin, SHAP, reference). Renders a DecisionCard
/// (decision/card.ts) and the points waterfall; holds no state of its own beyond its elements.
import type { BundleInfo, ScoreResult } from '../types';
import { clear, h } from '../dom';
import { drawWaterfall } from '../charts/waterfall';
import { destroyChart } from '../charts/register';
import type { DecisionCard } from '../decision/card';
import { wrapLabel, type PointsWaterfall } from '../decision/waterfall_steps';
import { contributionText, marginText } from '../explain';

const stat = (label: string, value: HTMLElement, ...more: HTMLElement[]) =>
  h('div', { class: 'stat' }, h('div', { class: 'stat-label', text: label }), value, ...more);

export class ResultCard {
  readonly el: HTMLElement;
  readonly errorEl = h('div', { class: 'error', role: 'alert', hidden: true });
  readonly deltaEl = h('div', { class: 'delta muted small', 'data-testid': 'whatif-line', text: '' });
  private readonly bandEl = h('div', { class: 'band', 'data-testid': 'result-band', text: '—' });
  private readonly summaryEl = h('p', { class: 'decision-summary', 'data-testid': 'result-summary' });
  private readonly reasonsTitle = h('h3', { text: 'Main reasons for this decision' });
  private readonly reasonsEl = h('ol', { class: 'reasons', 'data-testid': 'result-reasons' });
  private readonly reasonsNote = h('p', { class: 'muted small reasons-note' });
  private readonly rulesEl = h('ul', { class: 'rules', 'data-testid': 'result-rules' });
  private readonly warningsEl = h('ul', { class: 'warnings', 'data-testid': 'result-warnings' });
  private readonly pointsEl = h('div', { class: 'big', 'data-testid': 'result-points', text: '—' });
  private readonly cutoffsEl = h('div', { class: 'muted small' });
  private readonly rateEl = h('div', { class: 'big', 'data-testid': 'result-rate', text: '—' });
  private readonly lossEl = h('div', { class: 'muted small', 'data-testid': 'result-expected-loss' });
  private readonly limitBox = h('div', { class: 'stat', hidden: true });
  private readonly limitEl = h('div', { class: 'big', 'data-testid': 'result-limit' });
  private readonly recourseBox = h('section', { class: 'recourse', 'data-testid': 'result-recourse', hidden: true });
  private readonly pdEl = h('div', { class: 'pd', 'data-testid': 'result-pd', 'aria-live': 'polite', text: '—' });
  private readonly canvas = h('canvas', { 'aria-label': 'Points waterfall chart', role: 'img' });
  private readonly chartBox = h('div', { class: 'chart waterfall', 'data-testid': 'waterfall-chart' }, this.canvas);
  private readonly pointsTable = h('tbody');
  private readonly technicalEl = h('dl', { class: 'technical-list', 'data-testid': 'result-technical' });
  readonly marginEl = h('dd', { 'data-testid': 'result-margin' });
  private readonly inputsTable = h('tbody');
  readonly methodEl = h('p', { class: 'muted small method', 'data-testid': 'explain-method', text: '' });
  readonly printHead = h('div', { class: 'print-only print-head', 'data-testid': 'print-head' });
  readonly details = h('details', { class: 'technical' });
  /// Called with the changes of a recourse option when its button is pressed.
  onApply: (changes: Record<string, string | number>) => void = () => undefined;

  private lastWaterfall: PointsWaterfall | null = null;
  private labelWidth = 30;

  /// Characters per waterfall label line: fewer on a narrow card (a phone), so labels fit.
  private wantedLabelWidth(): number {
    const w = this.chartBox.clientWidth;
    return w > 0 && w < 560 ? 16 : 30;
  }

  constructor() {
    // Re-wrap the labels when the card gets narrower or wider than a phone's (rotation, resize).
    new ResizeObserver(() => {
      if (this.lastWaterfall && this.wantedLabelWidth() !== this.labelWidth) this.renderPoints(this.lastWaterfall);
    }).observe(this.chartBox);
    this.limitBox.append(h('div', { class: 'stat-label', text: 'Largest approvable amount' }), this.limitEl);
    this.details.append(
      h('summary', { text: 'Technical detail: PD, margin, SHAP, reference, inputs as used' }),
      this.technicalEl,
      h('div', { class: 'table-wrap inputs-table' },
        h('table', { class: 'data', 'data-testid': 'inputs-table' },
          h('thead', {}, h('tr', {}, ...['Input', 'Given', 'Used by the model', 'Note'].map((t) => h('th', { scope: 'col', text: t })))),
          this.inputsTable,
        ),
      ),
      this.methodEl,
    );
    this.el = h('section', { class: 'card result-card', 'aria-labelledby': 'result-title', 'data-testid': 'result-card' },
      this.printHead,
      h('div', { class: 'card-head' }, h('h2', { id: 'result-title', text: 'Decision' })),
      this.errorEl,
      h('div', { class: 'decision-row' }, this.bandEl, this.summaryEl),
      this.reasonsTitle,
      this.reasonsEl,
      this.reasonsNote,
      this.rulesEl,
      this.warningsEl,
      h('div', { class: 'headline' },
        stat('Score', this.pointsEl, this.cutoffsEl),
        stat('Rate', this.rateEl, this.lossEl),
        this.limitBox,
        stat('Probability of default', this.pdEl, this.deltaEl),
      ),
      this.recourseBox,
      h('div', { class: 'waterfall-row' },
        this.chartBox,
        h('div', { class: 'table-wrap points-table' },
          h('table', { class: 'data', 'data-testid': 'points-table' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Feature = value' }), h('th', { scope: 'col', class: 'num', text: 'Points' }))),
            this.pointsTable,
          ),
        ),
      ),
      this.details,
    );
  }

  showError(msg: string | null): void {
    this.errorEl.textContent = msg ?? '';
    this.errorEl.hidden = !msg;
  }

  clear(): void {
    this.bandEl.textContent = '—';
    this.bandEl.className = 'band';
    delete this.bandEl.dataset.band;
    this.pdEl.textContent = '—';
    delete this.pdEl.dataset.pd;
    for (const e of [this.summaryEl, this.deltaEl, this.cutoffsEl, this.lossEl]) e.textContent = '';
    this.pointsEl.textContent = '—';
    this.rateEl.textContent = '—';
    for (const e of [this.reasonsEl, this.rulesEl, this.warningsEl, this.pointsTable, this.technicalEl, this.inputsTable, this.recourseBox]) clear(e);
    this.recourseBox.hidden = true;
    this.limitBox.hidden = true;
    destroyChart(this.canvas);
    this.lastWaterfall = null;
    delete this.chartBox.dataset.drawn;
  }

  render(card: DecisionCard, r: ScoreResult, info: BundleInfo, waterfall: PointsWaterfall): void {
    this.bandEl.textContent = card.bandLabel;
    this.bandEl.className = `band band-${card.band}`;
    this.bandEl.dataset.band = card.band;
    this.summaryEl.textContent = card.summary;
    this.reasonsTitle.textContent = card.reasonsTitle;
    this.reasonsNote.textContent = r.reference
      ? `Points against ${r.reference.rows} training applicants scored at the approval cut-off; the points by feature below count from the average applicant.`
      : 'Points against the average training applicant (this bundle has no reference applicants).';
    clear(this.reasonsEl);
    if (card.reasons.length === 0) this.reasonsEl.append(h('li', { class: 'muted', text: 'No feature costs enough points against the reference applicants to be a reason.' }));
    for (const x of card.reasons)
      this.reasonsEl.append(h('li', { 'data-code': x.code, 'data-feature': x.feature }, h('span', { class: 'code', text: x.code }), h('span', { class: 'reason-text', text: x.text }), h('span', { class: `contrib${x.points.startsWith('+') ? ' gained' : ''}`, text: x.points })));
    clear(this.rulesEl);
    for (const rule of card.rules) this.rulesEl.append(h('li', { 'data-rule': rule.id }, h('strong', { text: 'Review: ' }), rule.text));
    clear(this.warningsEl);
    for (const w of card.warnings) this.warningsEl.append(h('li', { text: w }));
    this.pointsEl.textContent = `${card.points} points`;
    this.pointsEl.dataset.points = String(r.points);
    this.cutoffsEl.textContent = `Policy: ${card.cutoffs}`;
    this.rateEl.textContent = card.rate;
    this.lossEl.textContent = card.expectedLoss !== null ? `Expected loss ${card.expectedLoss}` : 'Expected loss needs an amount field in the policy';
    this.limitBox.hidden = card.limit === null;
    this.limitEl.textContent = card.limit ?? '';
    this.renderRecourse(card);
    this.pdEl.textContent = card.pd;
    this.pdEl.dataset.pd = String(r.pd);
    this.renderPoints(waterfall);
    this.renderTechnical(r, info);
  }

  private renderRecourse(card: DecisionCard): void {
    clear(this.recourseBox);
    this.recourseBox.hidden = card.recourse === null;
    if (card.recourse === null) return;
    this.recourseBox.append(h('h3', { text: 'What would get this approved' }));
    if (card.recourse.length === 0) {
      this.recourseBox.append(h('p', { class: 'muted small', text: 'The engine found no change of the applicant’s actionable fields that gives approval.' }));
      return;
    }
    const list = h('ol', { class: 'recourse-list' });
    card.recourse.forEach((o, i) => {
      const apply = h('button', { type: 'button', class: 'button secondary small', 'data-testid': `recourse-apply-${i}`, text: 'Apply and re-score' });
      apply.addEventListener('click', () => this.onApply(o.changes));
      list.append(h('li', { 'data-band': o.band, 'data-pd': o.pd }, h('span', { text: o.text }), h('span', { class: 'muted small', text: ` → PD ${o.pd}, ${o.band}` }), apply));
    });
    this.recourseBox.append(list);
  }

  private renderPoints(w: PointsWaterfall): void {
    // Tall enough for every wrapped label line (labels are never cut).
    this.lastWaterfall = w;
    const width = (this.labelWidth = this.wantedLabelWidth());
    const lines = ['Base points', 'Score', ...w.steps.map((s) => s.label)].reduce((n, l) => n + wrapLabel(l, width).length, 0);
    this.chartBox.style.height = `${Math.max(320, 90 + lines * 17 + (w.steps.length + 2) * 8)}px`;
    drawWaterfall(this.canvas, { waterfall: w, labelWidth: width });
    this.chartBox.dataset.drawn = '1';
    clear(this.pointsTable);
    const row = (label: string, pts: string, cls = '') => h('tr', { class: cls }, h('td', { text: label }), h('td', { class: 'num', text: pts }));
    this.pointsTable.append(row('Base points', w.basePoints.toFixed(1), 'muted'));
    for (const s of w.steps) this.pointsTable.append(row(s.label, `${s.points >= 0 ? '+' : '−'}${Math.abs(s.points).toFixed(1)}`, s.points < 0 ? 'lost' : 'gained'));
    this.pointsTable.append(row('Score', w.points.toFixed(1), 'strong'));
  }

  private renderTechnical(r: ScoreResult, info: BundleInfo): void {
    clear(this.inputsTable);
    for (const x of r.inputs ?? [])
      this.inputsTable.append(h('tr', { class: x.note ? 'noted' : '' }, h('td', { text: x.label || x.feature }), h('td', { text: x.given === '' ? '(missing)' : x.given }), h('td', { text: x.used === '' ? '(missing)' : x.used }), h('td', { text: x.note })));
    clear(this.technicalEl);
    const item = (k: string, v: string | HTMLElement) => {
      this.technicalEl.append(h('dt', { text: k }), typeof v === 'string' ? h('dd', { text: v }) : v);
    };
    item('Probability of default', `${(r.pd * 100).toFixed(4)}% (${r.pd})`);
    this.marginEl.textContent = marginText(info, r.margin);
    item('Margin', this.marginEl);
    if (r.score_band && r.score_band !== r.band) item('Band of the cut-offs alone', r.score_band);
    if (r.reference)
      item('Reference applicants', `${r.reference.rows} training applicants at the approval cut-off${r.reference.widened ? ' (band widened)' : ''}; mean margin ${marginText(info, r.reference.margin)}`);
    const shap = Object.entries(r.contributions ?? {}).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
    if (shap.length > 0) {
      const base = r.base_value !== undefined ? marginText(info, r.base_value) : '—';
      item('SHAP vs the training mean', `base ${base}; ${shap.slice(0, 6).map(([f, v]) => `${f} ${contributionText(info, v)}`).join(', ')}${shap.length > 6 ? ', …' : ''}`);
    }
  }
}
