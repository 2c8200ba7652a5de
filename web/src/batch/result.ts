/// A finished batch as the Batch screen and its panels see it (pure types).
import type { BatchSummary } from '../types.ts';
import type { BatchStore } from './store.ts';

/// `B`: what holds the output lines (a Blob in the page).
export interface BatchResult<B = unknown> {
  source: string;
  /// Output header: the input columns, then DecisionColumns() (pd … rate), then shap_* and
  /// base_value when explained, the same columns as `loanlens score`.
  header: string[];
  /// The scored rows, compact (typed columns and the engine's output lines), in input order;
  /// rejected rows and warnings with their row numbers.
  store: BatchStore<B>;
  summary: BatchSummary;
  seconds: number;
  /// Engine workers that scored it, and the slices the file was cut into.
  workers: number;
  slices: number;
}
