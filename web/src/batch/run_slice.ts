/// Scores one slice of a file on one engine instance (pure: no DOM; the worker and the node
/// tests run this same code). A slice after the first is fed the header bytes, then `pad` empty
/// lines, then its own bytes (batch/slicing.ts); the first slice, or the whole file, is fed as is.
import type { Slice } from './slicing.ts';
import type { CsvReply } from './store.ts';
import { kNumericColumns, kTextColumns } from './store.ts';

/// The part of the engine module this needs (bindings.cpp).
export interface SliceEngine {
  batchOpen(handle: number, explain: boolean, sourceName: string): number;
  batchFeedCsv(batchId: number, chunkText: string, keepJson: string): string;
  batchFinishCsv(batchId: number, keepJson: string): string;
  batchClose(batchId: number): void;
}

export interface TextDecoderLike {
  decode(bytes?: Uint8Array, options?: { stream: boolean }): string;
}

export interface SliceJob {
  handle: number;
  explain: boolean;
  sourceName: string;
  slice: Slice;
  /// Bytes of the header part (batch/slicing.ts headerBytes), for a slice after the first.
  headerBytes: number;
  /// Bytes read and fed at once.
  step: number;
}

export interface SliceIo {
  /// Bytes [start, end) of the file.
  read(start: number, end: number): Promise<Uint8Array>;
  /// A UTF-8 decoder that strips a leading BOM (TextDecoder('utf-8')).
  decoder(): TextDecoderLike;
  /// A drained piece: rows, rejected rows, warnings; `done` = slice bytes fed so far.
  onPart(reply: CsvReply, done: number): void;
  /// Throws to stop (a cancel), checked after every read.
  check(): void;
}

/// The output columns the page keeps compactly: the engine returns the numeric ones as numbers
/// and the text ones interned (bindings.cpp, DrainCsv).
export const kKeepJson = JSON.stringify({ numeric: kNumericColumns, text: kTextColumns });

/// An {"error": ...} reply of the engine, as an exception with its message.
export class EngineReplyError extends Error {}

/// A DrainCsv reply is a line of JSON, then the output lines as they are (an error reply is the
/// JSON alone).
function parseReply(text: string): CsvReply {
  const end = text.indexOf('\n');
  const value = JSON.parse(end < 0 ? text : text.slice(0, end)) as Omit<CsvReply, 'csv'> & { error?: string };
  if (typeof value.error === 'string') throw new EngineReplyError(value.error);
  return { ...value, csv: end < 0 ? '' : text.slice(end + 1) };
}

/// Returns the engine's last reply (with its summary) and the milliseconds spent in the engine.
export async function scoreSlice(m: SliceEngine, job: SliceJob, io: SliceIo, now: () => number): Promise<{ last: CsvReply; engineMs: number }> {
  const batch = m.batchOpen(job.handle, job.explain, job.sourceName);
  if (batch <= 0) throw new EngineReplyError('could not open a batch (is the model loaded?)');
  const { slice } = job;
  let engineMs = 0;
  const timed = (f: () => string): CsvReply => {
    const t0 = now();
    const out = f();
    engineMs += now() - t0;
    return parseReply(out);
  };
  const feed = (text: string, done: number) => {
    const r = timed(() => m.batchFeedCsv(batch, text, kKeepJson));
    if (r.rows.length || r.rejected.length || r.warnings?.length || r.header) io.onPart(r, done);
  };
  let closed = false;
  try {
    if (slice.start > 0) {
      const head = io.decoder().decode(await io.read(0, job.headerBytes));
      feed(head + '\n'.repeat(slice.pad), 0);
    }
    const decoder = io.decoder();
    for (let offset = slice.start; offset < slice.end; offset += job.step) {
      const stop = Math.min(offset + job.step, slice.end);
      const bytes = await io.read(offset, stop);
      io.check();
      feed(decoder.decode(bytes, { stream: true }), stop - slice.start);
    }
    const tail = decoder.decode();
    if (tail) feed(tail, slice.end - slice.start);
    closed = true; // batchFinishCsv closes the batch, also when it throws
    const last = timed(() => m.batchFinishCsv(batch, kKeepJson));
    io.onPart(last, slice.end - slice.start);
    return { last, engineMs };
  } finally {
    if (!closed) m.batchClose(batch);
  }
}
