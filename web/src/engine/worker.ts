/// The engine worker: loads the WebAssembly module lazily (on the first request) and serves the
/// requests of protocol.ts. Batch scoring reads the file in slices, decodes UTF-8 across slice
/// boundaries and feeds the engine chunk by chunk, reporting progress after every slice.
/// <reference lib="webworker" />
import type { LoanLensModule } from '../wasm/loanlens.mjs';
import wasmUrl from '../wasm/loanlens.wasm?url';
import { Kind, type Api, type FromWorker, type ToWorker } from './protocol';
import { runReview } from './review_worker';

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

class EngineFailure extends Error {}
class Cancelled extends Error {}

/// Parses an engine reply; an {"error": ...} reply becomes an exception with the engine's message.
function parse<T>(text: string): T {
  const value = JSON.parse(text) as T & { error?: string };
  if (value && typeof value === 'object' && typeof value.error === 'string') throw new EngineFailure(value.error);
  return value;
}

/// A batch chunk reply, passed on as text: the page parses it while the engine works on the next
/// slice (parsing here and cloning the object graph costs more than copying one string). Only an
/// {"error": ...} reply (its only key, so it starts with it) is parsed here.
function checked(text: string): string {
  if (text.startsWith('{"error":')) parse(text);
  return text;
}

const cancelled = new Set<number>();

function post(msg: FromWorker): void {
  self.postMessage(msg);
}

async function runBatch(id: number, req: Api[typeof Kind.Batch]['req']): Promise<Api[typeof Kind.Batch]['res']> {
  const m = await engine();
  const batch = m.batchOpen(req.handle, req.explain, req.sourceName);
  if (batch <= 0) throw new EngineFailure('could not open a batch (is the model loaded?)');
  const step = req.chunkBytes ?? kChunkBytes;
  const decoder = new TextDecoder('utf-8'); // strips a leading BOM
  const file = req.file;
  let engineMs = 0; // time inside the engine (batchFeed / batchFinish), without file reads and messages
  const timed = (f: () => string): string => {
    const t0 = performance.now();
    const out = f();
    engineMs += performance.now() - t0;
    return out;
  };
  try {
    for (let offset = 0; offset < file.size; offset += step) {
      const bytes = await file.slice(offset, offset + step).arrayBuffer(); // yields: Cancel can arrive
      if (cancelled.has(id)) throw new Cancelled();
      const text = decoder.decode(bytes, { stream: true });
      const chunkJson = checked(timed(() => m.batchFeed(batch, text)));
      post({ id, kind: Kind.Progress, progress: { bytesRead: Math.min(offset + step, file.size), totalBytes: file.size, chunkJson } });
    }
    const tail = decoder.decode();
    if (tail) {
      const chunkJson = checked(timed(() => m.batchFeed(batch, tail)));
      post({ id, kind: Kind.Progress, progress: { bytesRead: file.size, totalBytes: file.size, chunkJson } });
    }
    const last = parse<Api[typeof Kind.Batch]['res']>(timed(() => m.batchFinish(batch)));
    // The wasm memory only grows, so its size now is the batch's peak.
    last.stats = { engineSeconds: engineMs / 1000, wasmHeapBytes: m.HEAP8?.length ?? 0 };
    return last;
  } finally {
    m.batchClose(batch);
  }
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
