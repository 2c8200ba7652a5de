/// Batch screen, Back-test panel (the upload has the target column): the engine's back-test of
/// this file next to the bundle's validation figures.
import { h } from '../dom';
import type { BundleInfo } from '../types';
import type { Backtest } from '../review_types';
import { drawCalibration } from '../charts/calibration';
import { bandTable, cutoffTable, gainsTable, hosmerLemeshowText, metricsTable } from './evidence';

export function renderBacktest(el: HTMLElement, info: BundleInfo, m: Backtest | null, hasTarget: boolean): void {
  el.replaceChildren(h('h2', { text: 'Back-test' }));
  el.hidden = !hasTarget;
  if (!hasTarget || !m) return;
  if (m.error) {
    el.append(h('p', { class: 'error-text', text: m.error }));
    return;
  }
  const validation = info.metrics?.validation as Backtest | undefined;
  el.dataset.auc = String(m.auc);
  el.append(
    h('p', { class: 'small muted', text: `The file has the target column '${info.target.name}': ${m.n_rows} rows with an outcome (${m.n_positive} defaults)${m.rows_without_outcome ? `, ${m.rows_without_outcome} without a usable one (left out)` : ''}.` }),
    metricsTable('backtest-metrics', [{ label: 'This file', m }, { label: 'Validation (bundle)', m: validation }]),
  );
  if (m.band_table) el.append(h('h3', { text: 'Decision bands' }), bandTable('backtest-bands', m.band_table));
  if (m.confusion_at_cutoffs) el.append(h('h3', { text: 'Confusion at the policy cut-offs' }), cutoffTable('backtest-cutoffs', m.confusion_at_cutoffs));
  if (m.gains) el.append(h('h3', { text: 'Gains and lift by decile' }), gainsTable('backtest-gains', m.gains));
  if (m.calibration?.length) {
    const canvas = h('canvas', { role: 'img', 'aria-label': 'Calibration of this file' });
    el.append(h('h3', { text: 'Calibration by decile' }), h('p', { class: 'small', 'data-testid': 'backtest-hl', text: hosmerLemeshowText(m) }), h('div', { class: 'chart' }, canvas));
    drawCalibration(canvas, m.calibration);
  }
}
