/// How to read a bundle's margin and SHAP values: the margin scale (log-odds, or a probability for
/// the random forest), the explanation method, and the calibration that maps margin to PD. Every
/// view labels axes, reasons and numbers through these helpers so all model kinds read correctly.
import type { BundleInfo, CalibrationInfo } from './types';

export type MarginScale = 'log_odds' | 'probability';

/// Kernel SHAP enumerates every coalition when at most this many features differ from the
/// background (the engine's KernelShapOptions::max_exact_groups default); otherwise it samples.
export const kKernelShapMaxExactFeatures = 12;

export function marginScale(info: BundleInfo): MarginScale {
  if (info.margin_scale === 'probability' || info.margin_scale === 'log_odds') return info.margin_scale;
  return info.kind === 'random_forest' ? 'probability' : 'log_odds';
}

export function calibration(info: BundleInfo): CalibrationInfo | null {
  const c = info.calibration;
  return c && typeof c === 'object' && (c.kind === 'platt' || c.kind === 'isotonic') ? c : null;
}

/// The unit of margin and SHAP values, for axis titles and tooltips.
export function marginUnit(info: BundleInfo): string {
  if (marginScale(info) === 'probability') return 'probability of default';
  return calibration(info) ? 'log-odds of default, before calibration' : 'log-odds of default';
}

/// Short unit suffix after a number.
export function unitSuffix(info: BundleInfo): string {
  return marginScale(info) === 'probability' ? 'pp' : 'log-odds';
}

/// A contribution as text with its sign: "+0.177 log-odds" or "+1.24 pp" (percentage points).
export function contributionText(info: BundleInfo, value: number, digits = 3): string {
  const sign = value >= 0 ? '+' : '−';
  if (marginScale(info) === 'probability') return `${sign}${Math.abs(value * 100).toFixed(Math.max(1, digits - 1))} pp`;
  return `${sign}${Math.abs(value).toFixed(digits)} log-odds`;
}

/// A margin as text: "−2.3488 log-odds" or "8.37% (the forest's average default share)".
export function marginText(info: BundleInfo, margin: number): string {
  if (marginScale(info) === 'probability') return `${(margin * 100).toFixed(2)}% (the trees' average default rate)`;
  return `${margin.toFixed(4)} log-odds${calibration(info) ? ' (before calibration)' : ''}`;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/// PD for a margin, as the engine computes it (Calibrator::Apply): Platt sigmoid(a·m + b),
/// isotonic linear interpolation between knots, else sigmoid (log-odds) or the margin itself.
export function pdOfMargin(info: BundleInfo, margin: number): number {
  const c = calibration(info);
  if (c?.kind === 'platt' && typeof c.a === 'number' && typeof c.b === 'number') return sigmoid(c.a * margin + c.b);
  if (c?.kind === 'isotonic' && c.knots_margin && c.knots_pd && c.knots_margin.length > 0) {
    const x = c.knots_margin;
    const y = c.knots_pd;
    if (margin <= x[0]) return y[0];
    if (margin >= x[x.length - 1]) return y[y.length - 1];
    let k = 1;
    while (k < x.length && x[k] <= margin) k++;
    return y[k - 1] + ((y[k] - y[k - 1]) * (margin - x[k - 1])) / (x[k] - x[k - 1]);
  }
  return marginScale(info) === 'probability' ? margin : sigmoid(margin);
}

export interface MethodDescription {
  /// "Exact TreeSHAP", "Kernel SHAP (sampled)" ...
  name: string;
  /// One sentence: what is computed, and whether it is exact.
  detail: string;
  exact: boolean;
}

interface KernelShapInfo {
  num_coalitions?: number;
  seed?: number;
  background?: unknown[];
  group_names?: string[];
}

export function explainMethod(info: BundleInfo): MethodDescription {
  const method = info.explain?.method ?? '';
  const unit = marginUnit(info);
  if (method === 'linear_shap')
    return { name: 'Exact linear SHAP', exact: true, detail: `Exact: coefficient × (value − training mean) per feature, in ${unit}.` };
  if (method === 'tree_shap')
    return { name: 'Exact TreeSHAP', exact: true, detail: `Exact Shapley values over the trees' paths (TreeSHAP, Lundberg et al. 2020), in ${unit}.` };
  if (method === 'rbf_shap') {
    const k = ((info.explain as Record<string, unknown> | undefined)?.kernel_shap ?? {}) as KernelShapInfo;
    const nb = Array.isArray(k.background) ? k.background.length : undefined;
    return {
      name: 'Exact RBF SHAP',
      exact: true,
      detail: `Exact Shapley values of the RBF support vector machine against ${nb ?? 'the'} background points: the kernel factorises over features, so each support vector and background point is a product game solved in polynomial time, in ${unit}.`,
    };
  }
  if (method === 'kernel_shap') {
    const k = ((info.explain as Record<string, unknown> | undefined)?.kernel_shap ?? {}) as KernelShapInfo;
    const m = k.group_names?.length ?? info.features.length;
    const nb = Array.isArray(k.background) ? k.background.length : undefined;
    const bg = nb ? ` against ${nb} background points` : '';
    if (m <= kKernelShapMaxExactFeatures)
      return {
        name: 'Kernel SHAP (exact)',
        exact: true,
        detail: `Kernel SHAP (Lundberg and Lee 2017) enumerating all ${2 ** m - 2} coalitions of the ${m} features${bg}: exact Shapley values of the model, in ${unit}.`,
      };
    return {
      name: 'Kernel SHAP (sampled)',
      exact: false,
      detail:
        `Kernel SHAP (Lundberg and Lee 2017): ${m} features, so ${k.num_coalitions ?? '?'} coalitions are sampled (seed ${k.seed ?? '?'})${bg}; ` +
        `an approximation (exact only when at most ${kKernelShapMaxExactFeatures} features differ from the background). Contributions still add up to the margin exactly, in ${unit}.`,
    };
  }
  return { name: method || 'unknown', exact: false, detail: `Explanation method '${method}'.` };
}

/// Reason text for the result panel. For log-odds models the engine's text (odds multiplier
/// exp(φ)) is right; for a probability margin φ is a PD change (shown next to the text in
/// percentage points), so an odds multiplier would be wrong.
export function reasonText(info: BundleInfo, reason: { feature: string; value: string; contribution: number; text: string }): string {
  if (marginScale(info) !== 'probability') return reason.text;
  const f = info.features.find((x) => x.name === reason.feature);
  const label = f?.description?.trim() || reason.feature;
  return `${label} = ${reason.value === '' ? '(missing)' : reason.value} raises the probability of default`;
}
