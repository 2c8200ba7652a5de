/// The Model screen's validation charts: which stored curves each chart draws and with what labels
/// (pure: no DOM). Every array is the engine's (metrics.validation); nothing is recomputed here.
import type { CalibrationBin, ValidationMetrics } from '../types.ts';
import { num, numArray } from './values.ts';

/// A validation curve point per threshold: "predict default when PD >= thr[i]" catches the share
/// tpr[i] of defaults and flags the share fpr[i] of good loans.
export interface ThresholdCurve {
  thr: number[];
  tpr: number[];
  fpr: number[];
  /// The distance between thresholds when the curve is the engine's confusion grid (a point at
  /// every multiple of it: read exactly at the slider's value); absent for a thinned curve.
  step?: number;
}

export interface RocChart {
  fpr: number[];
  tpr: number[];
  auc: number | undefined;
}

export interface KsChart {
  /// Thresholds clamped to [0, 1] for the PD axis.
  threshold: number[];
  tpr: number[];
  fpr: number[];
  ks: number | undefined;
  ksThreshold: number | undefined;
}

export interface ValidationCurves {
  roc: RocChart | null;
  ks: KsChart | null;
  /// The curve the confusion matrix reads: the engine's confusion grid (every multiple of its
  /// step, unthinned); for bundles without one the KS curve, else the ROC curve (both thinned to
  /// at most 200 points, so read at the nearest stored PD at or above the threshold).
  confusion: ThresholdCurve | null;
}

export function validationCurves(v: ValidationMetrics): ValidationCurves {
  const fpr = numArray(v.roc?.fpr);
  const tpr = numArray(v.roc?.tpr);
  const thr = numArray(v.roc?.threshold);
  // KS curve: the bundle's ks_curve if it has arrays, else the ROC arrays (same quantities).
  const ksc = (v.ks_curve ?? {}) as Record<string, unknown>;
  const ksThr = numArray(ksc.threshold) ?? thr;
  const ksBad = numArray(ksc.cum_bad) ?? numArray(ksc.tpr) ?? tpr;
  const ksGood = numArray(ksc.cum_good) ?? numArray(ksc.fpr) ?? fpr;
  const ksOk = ksThr && ksBad && ksGood && ksThr.length === ksBad.length;
  const grid = v.confusion_grid;
  const [gThr, gTpr, gFpr, gStep] = [numArray(grid?.threshold), numArray(grid?.tpr), numArray(grid?.fpr), num(grid?.step)];
  const gridCurve = gThr && gTpr && gFpr && gStep && gThr.length === gTpr.length && gThr.length === gFpr.length ? { thr: gThr, tpr: gTpr, fpr: gFpr, step: gStep } : null;
  return {
    roc: fpr && tpr ? { fpr, tpr, auc: num(v.auc) } : null,
    ks: ksOk ? { threshold: ksThr.map((t) => Math.min(1, Math.max(0, t))), tpr: ksBad, fpr: ksGood, ks: num(v.ks), ksThreshold: num(v.ks_threshold) } : null,
    confusion: gridCurve ?? (ksOk ? { thr: ksThr, tpr: ksBad, fpr: ksGood } : fpr && tpr && thr ? { thr, tpr, fpr } : null),
  };
}

export interface CalibrationChart {
  bins: CalibrationBin[];
  /// The uncalibrated PDs' bins, when the bundle has a calibration step.
  before: CalibrationBin[] | undefined;
  label: string;
}

/// `before`: metrics.validation_uncalibrated, given only for a bundle with a calibration step.
export function calibrationChart(v: ValidationMetrics, before: ValidationMetrics | undefined): CalibrationChart | null {
  if (!Array.isArray(v.calibration) || v.calibration.length === 0) return null;
  const b = Array.isArray(before?.calibration) && before.calibration.length > 0 ? before.calibration : undefined;
  return { bins: v.calibration, before: b, label: b ? 'Calibration plot before and after calibration' : 'Calibration plot' };
}

export interface DistributionChart {
  edges: number[];
  positive: number[];
  negative: number[];
  positiveLabel: string;
  negativeLabel: string;
  /// 'Score' when the bin edges go past 1 (points), else 'PD'.
  unit: string;
}

export function distributionChart(v: ValidationMetrics, positiveClass: string): DistributionChart | null {
  const sd = v.score_distribution;
  if (!sd || !numArray(sd.edges) || !numArray(sd.positive) || !numArray(sd.negative)) return null;
  const unit = sd.edges[sd.edges.length - 1] > 1.0001 ? 'Score' : 'PD';
  return { edges: sd.edges, positive: sd.positive, negative: sd.negative, positiveLabel: `Defaults (${positiveClass})`, negativeLabel: 'Non-defaults', unit };
}
