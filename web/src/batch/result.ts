/// A finished batch as the Batch screen and its panels see it (pure types).
import type { BatchRejected, BatchRow, BatchSummary } from '../types.ts';

export interface BatchResult {
  source: string;
  /// Output header: the input columns, then DecisionColumns() (pd … rate), then shap_* and
  /// base_value when explained, the same columns as `loanlens score`.
  header: string[];
  rows: BatchRow[];
  rejected: BatchRejected[];
  summary: BatchSummary;
  seconds: number;
}
