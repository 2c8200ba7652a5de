/// Shapes of the JSON documents the engine (wasm/bindings) returns. They mirror the model bundle
/// format (models/README.md); everything shown in the UI comes from these objects.

export type FeatureType = 'numeric' | 'categorical' | 'boolean';
export type Band = 'approve' | 'review' | 'decline';

/// A schema column of the bundle (its `schema` section); `derived` marks a ratio of two others.
export interface SchemaColumn {
  name: string;
  type?: FeatureType;
  role?: string;
  description?: string;
  derived?: { ratio: [string, string] };
  [k: string]: unknown;
}

export interface FeatureInfo {
  name: string;
  type: FeatureType;
  description?: string;
  min?: number;
  max?: number;
  median?: number;
  categories?: string[];
  missing?: number;
}

export interface PolicyInfo {
  base_points: number;
  base_odds: number;
  pdo: number;
  approve_below: number;
  decline_at: number;
  amount_feature?: string;
  cutoff_unit?: string;
  [k: string]: unknown;
}

export interface CalibrationBin {
  bin: number;
  n: number;
  mean_pd: number;
  observed: number;
}

export interface ValidationMetrics {
  auc?: number;
  gini?: number;
  ks?: number;
  ks_threshold?: number;
  pr_auc?: number;
  log_loss?: number;
  brier?: number;
  n_rows?: number;
  n_positive?: number;
  roc?: { fpr: number[]; tpr: number[]; threshold?: number[] };
  ks_curve?: { threshold?: number[]; tpr?: number[]; fpr?: number[]; [k: string]: unknown };
  confusion_grid?: { step?: number; threshold?: number[]; tpr?: number[]; fpr?: number[] };
  calibration?: CalibrationBin[];
  gains?: unknown[];
  score_distribution?: { edges: number[]; positive: number[]; negative: number[] };
  confusion?: Record<string, unknown>;
  [k: string]: unknown;
}

/// Kernel SHAP settings in the bundle summary; `exact` and `max_exact_groups` come from the engine
/// (wasm/src/bundle_summary.cpp): all coalitions are enumerated when at most that many groups vary.
export interface KernelShapInfo {
  num_coalitions?: number;
  seed?: number;
  background?: unknown[];
  group_names?: string[];
  num_groups?: number;
  max_exact_groups?: number;
  exact?: boolean;
}

/// The bundle's `calibration` section: margin -> PD after training (models/README.md).
export interface CalibrationInfo {
  kind: 'none' | 'platt' | 'isotonic';
  a?: number;
  b?: number;
  knots_margin?: number[];
  knots_pd?: number[];
}

export interface BundleInfo {
  kind: string;
  /// How to read the margin and SHAP values: log-odds, or a probability (random forest).
  margin_scale?: 'log_odds' | 'probability';
  calibration?: CalibrationInfo;
  engine_version?: string;
  created_at?: string;
  content_sha256?: string;
  format_version?: number;
  target: { name: string; positive: string };
  features: FeatureInfo[];
  schema?: { columns: SchemaColumn[] };
  policy: PolicyInfo;
  metrics?: { validation?: ValidationMetrics; validation_uncalibrated?: ValidationMetrics; [k: string]: unknown };
  importance?: Record<string, unknown>;
  training?: { rows?: number; data_sha256?: string; params?: Record<string, unknown>; seed?: number; prohibited_basis?: string[]; [k: string]: unknown };
  explain?: { base_value?: number; method?: string; kernel_shap?: KernelShapInfo; [k: string]: unknown };
  [k: string]: unknown;
}

/// One adverse-action reason (review / decline) or main factor (approve), as the engine words it.
export interface DecisionReason {
  feature: string;
  code: string;
  text: string;
  /// Points lost (negative) or gained against the reference applicants.
  points: number;
  /// Margin units, against the reference.
  contribution: number;
  adverse: boolean;
}

/// A manual-review rule that fired: id and the sentence to show.
export interface FiredRule {
  id: string;
  text: string;
}

export interface Warning {
  column: string;
  value: string;
  message: string;
}

/// An input as given and as the model used it (imputed, clipped, mapped to __other__).
export interface InputUsed {
  feature: string;
  label: string;
  given: string;
  used: string;
  note: string;
}

export interface PriceInfo {
  rate: number;
  expected_loss?: number;
  ead?: number;
}

export interface LimitInfo {
  max_amount: number;
  [k: string]: unknown;
}

/// One way to reach approval: the changed inputs and the decision after them.
export interface RecourseOption {
  changes: Record<string, string | number>;
  pd: number;
  points?: number;
  band: Band;
}

export interface ReferenceInfo {
  rows: number;
  margin: number;
  points_low?: number;
  points_high?: number;
  widened?: boolean;
}

/// The decision for one applicant (ExplainRecord in wasm/src/scoring.cpp).
export interface ScoreResult {
  pd: number;
  margin: number;
  points: number;
  /// The decision after the review rules.
  band: Band;
  /// The band of the cut-offs alone.
  score_band?: Band;
  rules?: FiredRule[];
  reasons?: DecisionReason[];
  factors?: DecisionReason[];
  reference?: ReferenceInfo;
  reference_contributions?: Record<string, number>;
  reference_points?: Record<string, number>;
  price?: PriceInfo;
  limit?: LimitInfo;
  recourse?: RecourseOption[];
  base_value?: number;
  contributions?: Record<string, number>;
  base_points?: number;
  points_by_feature?: Record<string, number>;
  warnings?: Warning[];
  inputs?: InputUsed[];
}

/// The decision record (loanlens::Receipt, wasm/include/loanlens/decision/receipt.h).
export interface Receipt {
  format: 'loanlens-decision-record';
  applicant_reference: string;
  time: string;
  engine_version: string;
  bundle: { name: string; kind: string; content_sha256: string; engine_version: string };
  decision: ScoreResult;
}

export interface BatchRow {
  row: number;
  cells: string[];
}

export interface BatchRejected {
  row: number;
  reason: string;
}

export interface BatchChunk {
  header?: string[];
  rows: BatchRow[];
  rejected: BatchRejected[];
  warnings?: unknown[];
  summary?: BatchSummary;
}

export interface BatchSummary {
  rows_in: number;
  scored: number;
  rejected: number;
  /// Mean |SHAP| per feature over the scored rows (explained batches only), from the engine.
  mean_abs_shap?: Record<string, number>;
}

/// An entry of models/index.json (generated at build time from models/*.json).
export interface ModelEntry {
  file: string;
  name: string;
  kind: string;
  dataset: string;
  target?: string;
}
