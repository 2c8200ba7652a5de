/// Batch screen, Fairness panel: pick a column of the upload (never a model input); the engine
/// reviews approval rates, adverse impact ratios (four-fifths rule), error rates and proxies.
import { fmt, h, int, pct } from '../dom';
import type { FairnessReport } from '../review_types';
import { drawAdverseImpact, drawApprovalRates } from '../charts/fairness_bars';
import { dataTable, valueCell } from './evidence';

export function renderFairness(el: HTMLElement, picker: HTMLSelectElement, f: FairnessReport | null): void {
  el.replaceChildren(h('h2', { text: 'Fairness review' }), h('p', {}, h('label', { for: picker.id, class: 'small', text: 'Attribute (a column of the file that the model does not use): ' }), picker));
  el.hidden = false;
  if (!f) {
    el.append(h('p', { class: 'muted small', text: 'Pick a column to review.' }));
    return;
  }
  if (f.error) {
    el.append(h('p', { class: 'error-text', text: f.error }));
    return;
  }
  el.dataset.attribute = f.attribute;
  const withOutcomes = f.groups.some((g) => g.tpr !== undefined);
  const rows = f.groups.map((g) => [
    g.group,
    valueCell(g.count, int(g.count), 'count'),
    valueCell(g.approval_rate, `${pct(g.approval_rate, 1)} [${pct(g.approval_rate_interval[0], 1)}, ${pct(g.approval_rate_interval[1], 1)}]`, 'approval_rate'),
    valueCell(g.adverse_impact_ratio, `${fmt(g.adverse_impact_ratio, 3)} [${fmt(g.adverse_impact_ratio_interval[0], 3)}, ${fmt(g.adverse_impact_ratio_interval[1], 3)}]`, 'adverse_impact_ratio'),
    g.too_small ? 'too small to judge' : g.four_fifths_ok ? 'meets' : 'below 4/5',
    ...(withOutcomes ? [pct(g.default_rate_approved, 1), pct(g.tpr, 1), pct(g.fpr, 1), fmt(g.equal_opportunity_difference, 3), fmt(g.auc, 3)] : []),
  ]);
  const approval = h('canvas', { role: 'img', 'aria-label': 'Approval rate per group' });
  const air = h('canvas', { role: 'img', 'aria-label': 'Adverse impact ratio per group' });
  const proxies = f.proxies.filter((p) => p.likely_proxy);
  el.append(
    h('p', { class: 'small', 'data-testid': 'fairness-summary', text: f.summary }),
    dataTable('fairness-groups',
      ['Group', 'Rows', `Approved ('${f.approved_band}')`, 'AIR', 'Four-fifths', ...(withOutcomes ? ['Default rate among approved', 'TPR (goods approved)', 'FPR (defaulters approved)', 'Equal-opportunity diff.', 'AUC'] : [])],
      rows, `Reference group (most favoured): ${f.reference_group}. Intervals: 95 % bootstrap within each group. Groups under ${f.min_group_size} rows are marked, not hidden.`),
    h('div', { class: 'chart-grid two' }, h('div', { class: 'card chart', 'data-testid': 'fairness-approval-chart' }, approval), h('div', { class: 'card chart', 'data-testid': 'fairness-air-chart' }, air)),
    h('p', { class: 'small', 'data-testid': 'fairness-proxies', text: proxies.length ? `Likely proxies (an input that alone predicts ${f.attribute}): ${proxies.map((p) => `${p.feature} (Cramér's V ${fmt(p.cramers_v, 2)}${p.auc !== null ? `, AUC ${fmt(p.auc, 2)}` : ''})`).join(', ')}.` : `No input alone predicts ${f.attribute} strongly (strongest: ${f.proxies[0]?.feature ?? '—'}, Cramér's V ${fmt(f.proxies[0]?.cramers_v, 2)}).` }),
  );
  drawApprovalRates(approval, `Approval rate by ${f.attribute}`, f.groups);
  drawAdverseImpact(air, `Adverse impact ratio by ${f.attribute} (line: four-fifths rule)`, f.groups, f.four_fifths_threshold);
}
