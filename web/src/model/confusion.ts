/// The confusion matrix at a PD threshold, read off a stored validation curve (pure: no DOM): the
/// counts are the curve's shares times the validation set's class counts, not a re-scoring.
import type { ThresholdCurve } from './curves.ts';
import { pct } from '../numbers.ts';

export interface Confusion {
  /// The curve point used (-1 when no threshold is at or above t: nothing is declined).
  best: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/// The curve point for "predict default when PD >= threshold[i]" with the smallest threshold >= t;
/// on the engine's grid (curve.step) the grid point t is on (the slider moves by the step).
export function confusionAt(curve: ThresholdCurve, nPos: number, nRows: number, t: number): Confusion {
  const { thr, tpr, fpr } = curve;
  const nNeg = nRows - nPos;
  let best = -1;
  if (curve.step !== undefined) best = Math.min(thr.length - 1, Math.max(0, Math.round(t / curve.step)));
  else for (let i = 0; i < thr.length; i++) if (thr[i] >= t && (best < 0 || thr[i] < thr[best])) best = i;
  const tp = best < 0 ? 0 : Math.round(tpr[best] * nPos);
  const fp = best < 0 ? 0 : Math.round(fpr[best] * nNeg);
  return { best, tp, fp, fn: nPos - tp, tn: nNeg - fp };
}

/// The slider's label: "30.0%".
export function thresholdText(t: number): string {
  return `${(t * 100).toFixed(1)}%`;
}

/// "Recall 61.3% · precision 40.2% · accuracy 73.1% · declined 31.5%" (and, off the engine's grid,
/// the stored PD the counts were read at).
export function confusionStatsText(c: Confusion, curve: ThresholdCurve, nPos: number, nRows: number): string {
  const { tp, fp, tn } = c;
  const precision = tp + fp > 0 ? tp / (tp + fp) : NaN;
  return (
    `Recall ${pct(tp / (nPos || 1), 1)} · precision ${pct(precision, 1)} · accuracy ${pct((tp + tn) / (nRows || 1), 1)} · declined ${pct((tp + fp) / (nRows || 1), 1)}` +
    (c.best >= 0 && curve.step === undefined ? ` · read at the nearest stored PD at or above the threshold: ${(curve.thr[c.best] * 100).toFixed(2)}%` : '')
  );
}

/// The ROC chart's marker for the selected threshold (the origin when nothing is declined).
export function rocMarker(c: Confusion, curve: ThresholdCurve): { fpr: number; tpr: number } {
  return c.best >= 0 ? { fpr: curve.fpr[c.best], tpr: curve.tpr[c.best] } : { fpr: 0, tpr: 0 };
}
