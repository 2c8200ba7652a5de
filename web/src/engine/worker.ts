/// The engine worker: loads the WebAssembly module lazily (on the first request) and serves the
/// requests of protocol.ts. Batch scoring reads the file in slices, decodes UTF-8 across slice
/// boundaries and feeds the engine chunk by chunk, reporting progress after every slice.
/// <reference lib="webworker" />
import type { LoanLensModule } from '../wasm/loanlens.mjs';
import wasmUrl from '../wasm/loanlens.wasm?url';
import { Kind, type Api, type FromWorker, type ToWorker } from './protocol';
import { runReview } from './review_worker';
import { compactPart, type CsvReply } from '../batch/store';
import { EngineReplyError, scoreSlice } from '../batch/run_slice';

declare const self: DedicatedWorkerGlobalScope;

// 256 KiB slices: a slice's reply (rows with SHAP as JSON) is ~8x its size and is built inside the
// wasm heap, which never shrinks; 1 MiB slices took the heap to 83 MB on 100k rows, these to 28 MB.
const kChunkBytes = 1 << 18;

let enginePromise: Promise<LoanLensModule> | null = null;
function engine(): Promise<LoanLensModule> {
  enginePromise ??= import('../wasm/loanlens.mjs').then((m) =>
    m.default({ locateFile: (path: string) => (path.endsWith('.wasm') ? wasmUrl : path) }),
  );
  return enginePromise;
}

const EngineFailure = EngineReplyError;
class Cancelled extends Error {}

/// Parses an engine reply; an {"error": ...} reply becomes an exception with the engine's message.
function parse<T>(text: string): T {
  const value = JSON.parse(text) as T & { error?: string };
  if (value && typeof value === 'object' && typeof value.error === 'string') throw new EngineFailure(value.error);
  return value;
}

const cancelled = new Set<number>();

function post(msg: FromWorker): void {
  self.postMessage(msg);
}

/// Hands a drained piece to the page: the typed arrays move (transfer), the lines go as a Blob.
function postPart(id: number, r: CsvReply, bytesRead: number, totalBytes: number): void {
  const part = compactPart(r, (csv) => new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const transfer: ArrayBuffer[] = [part.rows.buffer as ArrayBuffer, part.lineBytes.buffer as ArrayBuffer];
  for (const v of Object.values(part.numeric)) transfer.push(v.buffer as ArrayBuffer);
  for (const t of Object.values(part.text)) transfer.push(t.codes.buffer as ArrayBuffer);
  self.postMessage({ id, kind: Kind.Progress, progress: { bytesRead, totalBytes, part } } satisfies FromWorker, transfer);
}

async function runBatch(id: number, req: Api[typeof Kind.Batch]['req']): Promise<Api[typeof Kind.Batch]['res']> {
  const m = await engine();
  const file = req.file;
  const slice = req.slice ?? { start: 0, end: file.size, pad: 0 };
  const total = slice.end - slice.start;
  const job = { handle: req.handle, explain: req.explain, sourceName: req.sourceName, slice, headerBytes: req.headerBytes ?? 0, step: req.chunkBytes ?? kChunkBytes };
  const { last, engineMs } = await scoreSlice(m, job, {
    read: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()), // yields: Cancel can arrive
    decoder: () => new TextDecoder('utf-8'), // strips a leading BOM
    onPart: (r, done) => postPart(id, r, done, total),
    check: () => {
      if (cancelled.has(id)) throw new Cancelled();
    },
  }, () => performance.now());
  // The wasm memory only grows, so its size now is the batch's peak.
  return { summary: last.summary!, stats: { engineSeconds: engineMs / 1000, wasmHeapBytes: m.HEAP8?.length ?? 0 } };
}

/// Rows per csvLines call: bounds the JSON crossing the boundary and the text built at once.
const kCsvRowsPerCall = 5000;

async function csvText(rows: string[][]): Promise<{ parts: string[] }> {
  const m = await engine();
  const parts: string[] = [];
  for (let i = 0; i < rows.length; i += kCsvRowsPerCall)
    parts.push(parse<{ text: string }>(m.csvLines(JSON.stringify(rows.slice(i, i + kCsvRowsPerCall)))).text);
  return { parts };
}

/// A message for anything thrown: an engine failure keeps the engine's message; a raw
/// WebAssembly.Exception (an exception that crossed the boundary: a bug, the bindings catch all)
/// and other non-Error values still become a sentence, never "[object WebAssembly.Exception]".
function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  const wasmException = (globalThis as { WebAssembly?: { Exception?: new (...a: never[]) => unknown } }).WebAssembly?.Exception;
  if (wasmException && err instanceof wasmException) return 'internal engine error: an exception crossed the WebAssembly boundary';
  return typeof err === 'string' ? err : `internal engine error: ${String(err)}`;
}

async function handle(msg: ToWorker): Promise<unknown> {
  switch (msg.kind) {
    case Kind.Version:
      return { version: (await engine()).version() };
    case Kind.LoadBundle:
      return parse((await engine()).loadBundle(msg.payload.text));
    case Kind.UnloadBundle:
      (await engine()).unloadBundle(msg.payload.handle);
      return {};
    case Kind.Score: {
      const m = await engine();
      const { handle: h, record, explain } = msg.payload;
      return parse(m.scoreRecord(h, JSON.stringify(record), explain));
    }
    case Kind.Receipt: {
      const m = await engine();
      const { handle: h, record, applicantReference, bundleName } = msg.payload;
      return parse(m.receipt(h, JSON.stringify(record), applicantReference, bundleName));
    }
    case Kind.Batch:
      return runBatch(msg.id, msg.payload);
    case Kind.CsvText:
      return csvText(msg.payload.rows);
    case Kind.Review:
      return runReview(await engine(), msg.payload, kChunkBytes, parse);
    case Kind.Cancel:
      cancelled.add(msg.target);
      return undefined;
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  if (msg.kind === Kind.Cancel) {
    cancelled.add(msg.target);
    return;
  }
  handle(msg).then(
    (value) => post({ id: msg.id, kind: Kind.Result, value }),
    (err: unknown) => {
      cancelled.delete(msg.id);
      if (err instanceof Cancelled) post({ id: msg.id, kind: Kind.Error, message: 'cancelled', cancelled: true });
      else post({ id: msg.id, kind: Kind.Error, message: messageOf(err) });
    },
  );
};
