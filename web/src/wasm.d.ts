/// The embind module built by CMake (web/src/wasm/loanlens.mjs, a build output).
declare module '*loanlens.mjs' {
  export interface LoanLensModule {
    version(): string;
    loadBundle(text: string): string;
    unloadBundle(handle: number): void;
    scoreRecord(handle: number, recordJson: string, explain: boolean): string;
    /// The decision record (loanlens::Receipt) as JSON text.
    receipt(handle: number, recordJson: string, applicantReference: string, bundleName: string): string;
    batchOpen(handle: number, explain: boolean, sourceName: string): number;
    batchFeed(batchId: number, chunkText: string): string;
    batchFinish(batchId: number): string;
    batchClose(batchId: number): void;
    /// batchFeed for the page's compact store: a line of JSON {"line_bytes", "rows", "numeric",
    /// "text", ...}, then the output lines (bindings.cpp, DrainCsv).
    batchFeedCsv(batchId: number, chunkText: string, keepJson: string): string;
    /// batchFinish likewise, with "summary"; closes the batch.
    batchFinishCsv(batchId: number, keepJson: string): string;
    /// {"text": lines} for a JSON array of rows, every cell spreadsheet-safe (data/csv_safe.h).
    csvLines(rowsJson: string): string;
    reviewOpen(handle: number, optionsJson: string, sourceName: string): string;
    reviewFeed(reviewId: number, chunkText: string): string;
    reviewFinish(reviewId: number): string;
    reviewClose(reviewId: number): void;
    /// The wasm linear memory (grows, never shrinks).
    HEAP8?: Int8Array;
  }
  const createLoanLens: (options?: {
    wasmBinary?: ArrayBuffer | Uint8Array;
    locateFile?: (path: string, prefix: string) => string;
  }) => Promise<LoanLensModule>;
  export default createLoanLens;
}
