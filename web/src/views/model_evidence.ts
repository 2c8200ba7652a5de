/// Model screen: training sample vs validation with bootstrap intervals (and the over-fitting
/// call-out), the band table, gains by decile, the confusion matrix at each policy cut-off and the
/// model card. Everything is read from the bundle.
import { h } from '../dom';
import type { BundleInfo } from '../types';
import type { Backtest, Comparison, ModelCard } from '../review_types';
import { bandTable, cutoffTable, gainsTable, hosmerLemeshowText, metricsTable } from './evidence';
import { renderCard } from './card';

export function modelEvidence(info: BundleInfo): HTMLElement[] {
  const metrics = (info.metrics ?? {}) as Record<string, unknown>;
  const training = metrics.training as Backtest | undefined;
  const validation = metrics.validation as Backtest | undefined;
  const comparison = metrics.comparison as Comparison | undefined;
  const out: HTMLElement[] = [];
  if (!training && !validation?.intervals) {
    out.push(h('div', { class: 'card', 'data-testid': 'model-evidence' },
      h('p', { class: 'muted small', text: 'This bundle was trained before validation evidence (training-sample metrics, intervals, band table, card) was stored; retrain it to see them.' })));
    return out;
  }
  out.push(h('div', { class: 'card', 'data-testid': 'model-evidence' },
    h('h3', { text: 'Training sample vs validation' }),
    comparison
      ? h('p', { class: comparison.overfitting ? 'small warn-text' : 'small', 'data-testid': 'model-overfitting', 'data-overfitting': String(comparison.overfitting), text: comparison.statement })
      : null,
    metricsTable('model-metrics-table', [{ label: 'Training sample', m: training }, { label: 'Validation', m: validation }]),
  ));
  if (validation?.band_table)
    out.push(h('div', { class: 'card', 'data-testid': 'model-band-table' }, h('h3', { text: 'Decision bands (validation)' }), bandTable('model-bands', validation.band_table),
      validation.hosmer_lemeshow ? h('p', { class: 'small', 'data-testid': 'model-hl', text: hosmerLemeshowText(validation) }) : null));
  if (validation?.confusion_at_cutoffs)
    out.push(h('div', { class: 'card', 'data-testid': 'model-cutoffs' }, h('h3', { text: 'Confusion at the policy cut-offs (validation)' }), cutoffTable('model-cutoff-table', validation.confusion_at_cutoffs)));
  if (validation?.gains)
    out.push(h('div', { class: 'card', 'data-testid': 'model-gains' }, h('h3', { text: 'Gains and lift by decile (validation)' }), gainsTable('model-gains-table', validation.gains)));
  const card = info.card as ModelCard | undefined;
  if (card) out.push(renderCard(card, info.content_sha256 ?? ''));
  return out;
}
