/// Messages between the page (client.ts) and the engine worker (worker.ts).
/// Every request carries an id; the worker answers with exactly one Result or Error for that id,
/// and may send Progress messages before it (batch scoring).
import type { BatchSummary, BundleInfo, Receipt, ScoreResult } from '../types';
import type { CompactPart } from '../batch/store';
import type { Slice } from '../batch/slicing';
import type { ReviewResult } from '../review_types';

export const Kind = {
  // requests
  Version: 'version',
  LoadBundle: 'load-bundle',
  UnloadBundle: 'unload-bundle',
  Score: 'score',
  Receipt: 'receipt',
  Batch: 'batch',
  CsvText: 'csv-text',
  Review: 'review',
  Cancel: 'cancel',
  // replies
  Result: 'result',
  Error: 'error',
  Progress: 'progress',
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export type RecordValue = string | number;

/// Request payload and reply value per request kind.
export interface Api {
  [Kind.Version]: { req: Record<string, never>; res: { version: string } };
  [Kind.LoadBundle]: { req: { text: string }; res: { handle: number; info: BundleInfo } };
  [Kind.UnloadBundle]: { req: { handle: number }; res: Record<string, never> };
  [Kind.Score]: {
    req: { handle: number; record: Record<string, RecordValue>; explain: boolean };
    res: ScoreResult;
  };
  [Kind.Receipt]: {
    req: { handle: number; record: Record<string, RecordValue>; applicantReference: string; bundleName: string };
    res: Receipt;
  };
  /// CSV text of `rows` (header included if given), every cell through the engine's
  /// spreadsheet-safe rule: one part per slice of rows, to be joined into a Blob.
  [Kind.CsvText]: { req: { rows: string[][] }; res: { parts: string[] } };
  /// Scores one slice of a file (batch/slicing.ts; the whole file without `slice`): the header
  /// bytes [0, headerBytes) and `slice.pad` empty lines first when the slice starts later, so
  /// the engine's row numbers are the file's. The scored rows come as Progress parts.
  [Kind.Batch]: {
    req: { handle: number; file: Blob; sourceName: string; explain: boolean; slice?: Slice; headerBytes?: number; chunkBytes?: number };
    res: {
      summary: BatchSummary;
      /// Seconds inside the engine and the wasm memory size at the end (its peak).
      stats: { engineSeconds: number; wasmHeapBytes: number };
    };
  };
  /// Back-test, monitoring and fairness review of a file (a second pass, scores only).
  [Kind.Review]: {
    req: { handle: number; file: Blob; sourceName: string; attribute?: string; replicates?: number; seed?: number };
    res: ReviewResult;
  };
}
export type RequestKind = keyof Api;

/// Progress of a batch: how far through its bytes, and the rows scored since the last report
/// (their output lines as a Blob, the columns the screen uses as typed arrays).
export interface BatchProgress {
  bytesRead: number;
  totalBytes: number;
  part: CompactPart<Blob>;
}

export type ToWorker =
  | { [K in RequestKind]: { id: number; kind: K; payload: Api[K]['req'] } }[RequestKind]
  | { id: number; kind: typeof Kind.Cancel; target: number };

export type FromWorker =
  | { id: number; kind: typeof Kind.Result; value: unknown }
  | { id: number; kind: typeof Kind.Error; message: string; cancelled?: boolean }
  | { id: number; kind: typeof Kind.Progress; progress: BatchProgress };
