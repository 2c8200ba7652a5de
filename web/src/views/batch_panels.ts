/// Where further Batch-screen panels mount (back-test, monitoring, fairness …): each panel gets a
/// container element of its own under the scored rows, and hears of every finished batch and of
/// every reset (new file, new model). Register panels before the Batch screen mounts (main.ts).
import type { AppState, LoadedBundle } from '../state';
import type { BatchResult } from '../batch/result';

export interface BatchPanel {
  /// Builds the panel's elements inside `container` (called once).
  mount(container: HTMLElement, state: AppState): void;
  /// A batch finished: its rows, header and summary, the bundle that scored it and the file.
  show(result: BatchResult, bundle: LoadedBundle, file: File): void;
  /// The previous result is gone (a new batch starts or the model changed).
  reset(): void;
}

export const batchPanels: BatchPanel[] = [];

export function registerBatchPanel(panel: BatchPanel): void {
  batchPanels.push(panel);
}
