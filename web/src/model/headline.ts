/// The Model screen's headline card and calibration step, as text (pure: no DOM): the validation
/// metrics the bundle stores, with the before-calibration figures beside those calibration changes.
import type { BundleInfo, ValidationMetrics } from '../types.ts';
import { calibration, marginScale } from '../explain.ts';
import { fmt, int, pct } from '../numbers.ts';
import { num } from './values.ts';

/// metrics.validation and, for a bundle with a calibration step, metrics.validation_uncalibrated.
export function validationMetrics(info: BundleInfo): { after: ValidationMetrics; before: ValidationMetrics | undefined } {
  const after: ValidationMetrics = info.metrics?.validation ?? {};
  return { after, before: calibration(info) ? info.metrics?.validation_uncalibrated : undefined };
}

/// "logistic model · predicts class = 2 · validation set of 200 rows (60 defaults)".
export function headlineText(info: BundleInfo, v: ValidationMetrics): string {
  return `${info.kind} model · predicts ${info.target.name} = ${info.target.positive} · validation set of ${int(num(v.n_rows))} rows (${int(num(v.n_positive))} defaults)`;
}

/// How to read the margin and SHAP values on this bundle's scale.
export function marginScaleText(info: BundleInfo): string {
  if (marginScale(info) === 'probability')
    return 'Margin scale: probability. The margin is the average of the trees\' leaf default rates, so it is the PD (before any calibration), and SHAP values add up to it in probability units (shown as percentage points).';
  return `Margin scale: log-odds. PD = ${calibration(info) ? 'the calibration map of the margin' : 'sigmoid(margin)'}; SHAP values add up to the margin in log-odds.`;
}

export interface MetricCard {
  label: string;
  value: string;
  /// '' for none.
  note: string;
}

/// The six headline metrics; log loss and Brier carry "before calibration 0.1658" when `before`.
export function headlineMetrics(v: ValidationMetrics, before: ValidationMetrics | undefined): MetricCard[] {
  const beforeNote = (key: keyof ValidationMetrics, base: string) => {
    const x = num(before?.[key]);
    return x === undefined ? base : `${base} · before calibration ${fmt(x, 4)}`;
  };
  return [
    { label: 'AUC', value: fmt(num(v.auc), 4), note: 'area under ROC' },
    { label: 'Gini', value: fmt(num(v.gini), 4), note: '2·AUC − 1' },
    { label: 'KS', value: fmt(num(v.ks), 4), note: num(v.ks_threshold) !== undefined ? `at PD ${pct(num(v.ks_threshold), 1)}` : '' },
    { label: 'PR AUC', value: fmt(num(v.pr_auc), 4), note: 'precision–recall' },
    { label: 'Log loss', value: fmt(num(v.log_loss), 4), note: beforeNote('log_loss', 'lower is better') },
    { label: 'Brier', value: fmt(num(v.brier), 4), note: beforeNote('brier', 'lower is better') },
  ];
}

/// One line on the bundle's calibration step.
export function calibrationText(info: BundleInfo): string {
  const c = calibration(info);
  if (!c) return 'none';
  if (c.kind === 'platt') return `Platt scaling: PD = sigmoid(a·margin + b), a = ${fmt(num(c.a), 4)}, b = ${fmt(num(c.b), 4)}`;
  return `isotonic regression: ${c.knots_margin?.length ?? 0} knots, PD interpolated linearly between them`;
}

/// A validation metric before and after the calibration step (values as stored, and as shown).
export interface CalibrationRow {
  key: keyof ValidationMetrics;
  label: string;
  before: number | undefined;
  after: number | undefined;
  beforeText: string;
  afterText: string;
  /// "+0.0123" / "−0.0040" (a true minus), '—' when either side is missing.
  changeText: string;
}

export function calibrationRows(after: ValidationMetrics, before: ValidationMetrics | undefined): CalibrationRow[] {
  const rows: [string, keyof ValidationMetrics, number][] = [
    ['Brier score', 'brier', 4],
    ['Log loss', 'log_loss', 4],
    ['AUC', 'auc', 4],
    ['KS', 'ks', 4],
  ];
  const out: CalibrationRow[] = [];
  for (const [label, key, digits] of rows) {
    const a = num(after[key]);
    const b = num(before?.[key]);
    if (a === undefined && b === undefined) continue;
    const d = a !== undefined && b !== undefined ? a - b : undefined;
    const changeText = d === undefined ? '—' : `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(digits)}`;
    out.push({ key, label, before: b, after: a, beforeText: fmt(b, digits), afterText: fmt(a, digits), changeText });
  }
  return out;
}
