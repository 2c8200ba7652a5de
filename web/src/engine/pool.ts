/// Batch scoring on N engine workers (one WebAssembly instance each, plain messages: no
/// SharedArrayBuffer, so any static host works). The file is cut on record boundaries
/// (batch/slicing.ts) while it is read; each worker scores whole slices; the parts are handed on
/// in input order (batch/store.ts OrderedParts), so the result equals one worker's. With one
/// worker the whole file is one slice, read exactly as before.
import type { LoadedBundle } from '../state';
import type { BatchSummary } from '../types';
import type { CompactPart } from '../batch/store';
import { OrderedParts, mergeSummaries } from '../batch/store';
import { SliceScanner, type Slice } from '../batch/slicing';
import { CancelledError, EngineClient } from './client';

/// Workers when the page does not say: every core, at most 8 (each holds an engine and the model).
export function defaultWorkers(): number {
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
}

export interface PoolRun {
  summary: BatchSummary;
  workers: number;
  slices: number;
  /// Per worker: seconds inside the engine and its wasm memory at the end.
  stats: { engineSeconds: number; wasmHeapBytes: number }[];
}

export interface PoolCallbacks {
  /// A part of the result, in input order.
  onPart(part: CompactPart<Blob>): void;
  onProgress(bytesDone: number, totalBytes: number): void;
  /// The run starts over on one worker (a later slice failed): drop what was received.
  onRestart(): void;
}

/// Bytes per slice: a few slices per worker, so a slow slice does not hold the others back.
function sliceBytesFor(size: number, workers: number): number {
  return Math.min(8 << 20, Math.max(256 << 10, Math.ceil(size / (workers * 4))));
}

const kScanBlock = 4 << 20;

/// The slices of `file` as the scan finds them (the last one at the end of the file).
async function* scanSlices(file: Blob, sliceBytes: number, headerBytes: { value: number }): AsyncGenerator<Slice> {
  const scanner = new SliceScanner(sliceBytes);
  let sent = 0;
  for (let off = 0; off < file.size; off += kScanBlock) {
    scanner.feed(new Uint8Array(await file.slice(off, off + kScanBlock).arrayBuffer()));
    headerBytes.value = scanner.headerBytes();
    const ready = scanner.slices(file.size, true);
    // All but the last listed slice are final; the last one may still grow.
    while (sent < ready.length - 1) yield ready[sent++];
  }
  // A file that ends inside quotes: the last slice's worker reports the unterminated quote (and
  // the pool runs the file again on one worker for the exact message).
  const all = scanner.slices(file.size, true);
  for (; sent < all.length; sent++) yield all[sent];
}

async function* wholeFile(file: Blob): AsyncGenerator<Slice> {
  yield { start: 0, end: file.size, pad: 0 };
}

export class EnginePool {
  private readonly extra: EngineClient[] = [];
  private readonly handles = new Map<EngineClient, { bundle: LoadedBundle; handle: number }>();

  constructor(private readonly primary: EngineClient) {}

  /// Client i with `b` loaded (client 0 is the page's own worker, which has it already).
  private async client(i: number, b: LoadedBundle): Promise<{ client: EngineClient; handle: number }> {
    if (i === 0) return { client: this.primary, handle: b.handle };
    while (this.extra.length < i) this.extra.push(new EngineClient());
    const client = this.extra[i - 1];
    const have = this.handles.get(client);
    if (have?.bundle === b) return { client, handle: have.handle };
    if (have) void client.unloadBundle(have.handle).catch(() => undefined);
    if (b.text === undefined) throw new Error('the model text is not kept; cannot start more workers');
    const { handle } = await client.loadBundle(b.text);
    this.handles.set(client, { bundle: b, handle });
    return { client, handle };
  }

  async run(b: LoadedBundle, file: File, explain: boolean, workers: number, cb: PoolCallbacks, signal: AbortSignal): Promise<PoolRun> {
    const n = b.text === undefined ? 1 : Math.max(1, workers);
    try {
      return await this.runOn(n, b, file, explain, cb, signal);
    } catch (e) {
      if (!(e instanceof LaterSliceFailed)) throw e;
      // A later slice failed: one worker reads the file start to end, so the message (and its
      // row) is exactly the one-worker message.
      cb.onRestart();
      return this.runOn(1, b, file, explain, cb, signal);
    }
  }

  private async runOn(n: number, b: LoadedBundle, file: File, explain: boolean, cb: PoolCallbacks, signal: AbortSignal): Promise<PoolRun> {
    const clients = await Promise.all(Array.from({ length: n }, (_, i) => this.client(i, b)));
    const headerBytes = { value: -1 };
    const slices = n === 1 ? wholeFile(file) : scanSlices(file, sliceBytesFor(file.size, n), headerBytes);
    const ordered = new OrderedParts<CompactPart<Blob>>((p) => cb.onPart(p));
    const summaries: BatchSummary[] = [];
    const stats = clients.map(() => ({ engineSeconds: 0, wasmHeapBytes: 0 }));
    const inner = new AbortController();
    const abortInner = () => inner.abort();
    signal.addEventListener('abort', abortInner, { once: true });
    let count = 0;
    let done = 0;
    const progress = new Map<number, number>();
    let failure: { slice: number; error: unknown } | null = null;
    const worker = async (w: number) => {
      const { client, handle } = clients[w];
      for (;;) {
        if (inner.signal.aborted) return;
        const next = await slices.next();
        if (next.done) return;
        const index = count++;
        const slice = next.value;
        try {
          const r = await client.batch(
            { handle, file, sourceName: file.name, explain, slice, headerBytes: headerBytes.value },
            {
              signal: inner.signal,
              onProgress: (p) => {
                ordered.push(index, p.part);
                progress.set(index, p.bytesRead);
                let sum = done;
                for (const v of progress.values()) sum += v;
                cb.onProgress(sum, file.size);
              },
            },
          );
          progress.delete(index);
          done += slice.end - slice.start;
          summaries[index] = r.summary;
          stats[w].engineSeconds += r.stats.engineSeconds;
          stats[w].wasmHeapBytes = Math.max(stats[w].wasmHeapBytes, r.stats.wasmHeapBytes);
          ordered.finish(index);
        } catch (e) {
          // A cancel that this pool caused (another slice failed) is not a failure of its own.
          if (e instanceof CancelledError && !signal.aborted) return;
          if (!failure || index < failure.slice) failure = { slice: index, error: e };
          inner.abort();
          return;
        }
      }
    };
    try {
      await Promise.all(clients.map((_, w) => worker(w)));
    } finally {
      signal.removeEventListener('abort', abortInner);
    }
    if (signal.aborted) throw new CancelledError();
    if (failure) {
      const f = failure as { slice: number; error: unknown };
      if (f.slice === 0) throw f.error;
      throw new LaterSliceFailed();
    }
    return { summary: mergeSummaries(summaries), workers: n, slices: count, stats };
  }

  terminate(): void {
    for (const c of this.extra) c.terminate();
    this.extra.length = 0;
    this.handles.clear();
  }
}

class LaterSliceFailed extends Error {}
