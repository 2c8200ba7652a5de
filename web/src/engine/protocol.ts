/// Messages between the page (client.ts) and the engine worker (worker.ts).
/// Every request carries an id; the worker answers with exactly one Result or Error for that id,
/// and may send Progress messages before it (batch scoring).
import type { BatchChunk, BatchSummary, BundleInfo, Receipt, ScoreResult } from '../types';
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
  [Kind.Batch]: {
    req: { handle: number; file: Blob; sourceName: string; explain: boolean; chunkBytes?: number };
    res: BatchChunk & {
      summary: BatchSummary;
      /// Seconds inside the engine and the wasm memory size at the end (its peak).
      stats?: { engineSeconds: number; wasmHeapBytes: number };
    };
  };
  /// Back-test, monitoring and fairness review of a file (a second pass, scores only).
  [Kind.Review]: {
    req: { handle: number; file: Blob; sourceName: string; attribute?: string; replicates?: number; seed?: number };
    res: ReviewResult;
  };
}
export type RequestKind = keyof Api;

/// Progress of a batch: the records decoded so far in this chunk and how far through the file.
export interface BatchProgress {
  bytesRead: number;
  totalBytes: number;
  chunk: BatchChunk;
}

export type ToWorker =
  | { [K in RequestKind]: { id: number; kind: K; payload: Api[K]['req'] } }[RequestKind]
  | { id: number; kind: typeof Kind.Cancel; target: number };

export type FromWorker =
  | { id: number; kind: typeof Kind.Result; value: unknown }
  | { id: number; kind: typeof Kind.Error; message: string; cancelled?: boolean }
  | { id: number; kind: typeof Kind.Progress; progress: { bytesRead: number; totalBytes: number; chunkJson: string } };
