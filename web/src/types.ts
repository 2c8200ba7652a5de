/// Shapes of the JSON documents the engine (wasm/bindings) returns. They mirror the model bundle
/// format (models/README.md); everything shown in the UI comes from these objects.

export type FeatureType = 'numeric' | 'categorical' | 'boolean';
export type Band = 'approve' | 'review' | 'decline';

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
  calibration?: CalibrationBin[];
  gains?: unknown[];
  score_distribution?: { edges: number[]; positive: number[]; negative: number[] };
  confusion?: Record<string, unknown>;
  [k: string]: unknown;
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
  policy: PolicyInfo;
  metrics?: { validation?: ValidationMetrics; validation_uncalibrated?: ValidationMetrics; [k: string]: unknown };
  importance?: Record<string, unknown>;
  training?: { rows?: number; data_sha256?: string; params?: Record<string, unknown>; seed?: number; prohibited_basis?: string[]; [k: string]: unknown };
  explain?: { base_value?: number; method?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface Reason {
  feature: string;
  value: string;
  contribution: number;
  text: string;
}

export interface Warning {
  column: string;
  value: string;
  message: string;
}

export interface ScoreResult {
  pd: number;
  margin: number;
  points: number;
  band: Band;
  base_value?: number;
  contributions?: Record<string, number>;
  reasons?: Reason[];
  warnings?: Warning[];
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
  summary?: { rows_in: number; scored: number; rejected: number };
}

/// An entry of models/index.json (generated at build time from models/*.json).
export interface ModelEntry {
  file: string;
  name: string;
  kind: string;
  dataset: string;
  target?: string;
}
