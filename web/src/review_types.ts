/// Shapes of the validation evidence the engine returns (wasm/src/validation, monitoring,
/// fairness, card; the bundle's metrics.training / metrics.comparison / card / drift_reference
/// and the reviews of an uploaded file). The page shows these numbers; it never recomputes them.

export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
}

export interface Intervals {
  auc: Interval;
  ks: Interval;
  gini: Interval;
  replicates: number;
  seed: number;
  level: number;
  method: string;
}

export interface BandRow {
  band: string;
  count: number;
  share: number;
  mean_pd: number;
  bads?: number;
  bad_rate?: number;
  cum_approval_rate: number;
  cum_bad_rate?: number;
}

export interface CutoffConfusion {
  cutoff_name: string;
  cutoff: number;
  meaning: string;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  tpr: number;
  fpr: number;
  precision: number;
  accuracy: number;
}

export interface GainsRow {
  slice: number;
  n: number;
  positives: number;
  cum_population: number;
  cum_gain: number;
  lift: number;
  cum_lift: number;
}

export interface Backtest {
  n_rows: number;
  n_positive: number;
  auc: number;
  gini: number;
  ks: number;
  brier: number;
  log_loss: number;
  intervals?: Intervals;
  band_table?: BandRow[];
  gains?: GainsRow[];
  calibration?: { bin: number; n: number; mean_pd: number; observed: number }[];
  hosmer_lemeshow?: { statistic: number; df: number; p_value: number };
  confusion_at_cutoffs?: CutoffConfusion[];
  rows_without_outcome?: number;
  error?: string;
}

export interface Comparison {
  auc_training: number;
  auc_validation: number;
  auc_gap: number;
  threshold: number;
  overfitting: boolean;
  statement: string;
}

export interface PsiBin {
  label: string;
  reference: number;
  actual: number;
}

export interface FeatureDrift {
  type: string;
  psi: number;
  verdict: string;
  missing_rate: number;
  missing_rate_reference: number;
  out_of_range_rate: number;
  bins: PsiBin[];
}

export interface MonitorReport {
  rows: number;
  psi_floor: number;
  psi_floor_note: string;
  reference_sample: string;
  reference_rows: number;
  score: { psi: number; verdict: string; bins: PsiBin[] };
  features: Record<string, FeatureDrift>;
  performance: null | {
    rows: number;
    auc: number | null;
    auc_validation: number | null;
    ks: number | null;
    ks_validation: number | null;
    bad_rate: number;
    bad_rate_validation: number | null;
    band_table: { band: string; count: number; bad_rate: number; bad_rate_validation: number | null }[];
  };
  error?: string;
}

export interface FairnessGroup {
  group: string;
  count: number;
  approval_rate: number;
  approval_rate_interval: [number, number];
  adverse_impact_ratio: number;
  adverse_impact_ratio_interval: [number, number];
  four_fifths_ok: boolean;
  too_small: boolean;
  default_rate_approved?: number | null;
  tpr?: number | null;
  fpr?: number | null;
  equal_opportunity_difference?: number | null;
  auc?: number | null;
}

export interface FairnessReport {
  attribute: string;
  reference_group: string;
  approved_band: string;
  four_fifths_threshold: number;
  min_group_size: number;
  groups: FairnessGroup[];
  proxies: { feature: string; cramers_v: number; auc: number | null; likely_proxy: boolean }[];
  summary: string;
  error?: string;
}

export interface ReviewResult {
  header: string[];
  has_target: boolean;
  rows_in: number;
  scored: number;
  rejected: number;
  backtest: Backtest | null;
  monitor: MonitorReport;
  fairness: FairnessReport | null;
}

export interface CardSection {
  id: string;
  title: string;
  paragraphs: string[];
  tables: { caption: string; columns: string[]; rows: string[][] }[];
}

export interface ModelCard {
  title: string;
  sections: CardSection[];
}
