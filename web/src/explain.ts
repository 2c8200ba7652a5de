/// How to read a bundle's margin and SHAP values: the margin scale (log-odds, or a probability for
/// the random forest), the explanation method and its exactness (as the engine reports them in the
/// bundle summary). Nothing here recomputes an engine answer: PDs, reasons and texts come from it.
import type { BundleInfo, CalibrationInfo, KernelShapInfo } from './types';

export type MarginScale = 'log_odds' | 'probability';

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

export interface MethodDescription {
  /// "Exact TreeSHAP", "Kernel SHAP (sampled)" ...
  name: string;
  /// One sentence: what is computed, and whether it is exact.
  detail: string;
  exact: boolean;
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
    const k = info.explain?.kernel_shap ?? {};
    const m = k.num_groups ?? k.group_names?.length ?? info.features.length;
    const nb = Array.isArray(k.background) ? k.background.length : undefined;
    const bg = nb ? ` against ${nb} background points` : '';
    // Whether every coalition is enumerated is the engine's decision (bundle summary).
    if (k.exact)
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
        `an approximation (exact only when at most ${k.max_exact_groups ?? '?'} features differ from the background). Contributions still add up to the margin exactly, in ${unit}.`,
    };
  }
  return { name: method || 'unknown', exact: false, detail: `Explanation method '${method}'.` };
}
