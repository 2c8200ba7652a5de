/// Typed promise client for the engine worker: one request -> one promise; batch requests
/// report progress through a callback and can be cancelled with an AbortSignal.
import { Kind, type Api, type BatchProgress, type FromWorker, type RequestKind, type ToWorker } from './protocol';

/// An error reported by the engine (bad bundle, bad value ...). The message is the engine's.
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

/// Thrown when a request was cancelled through its AbortSignal.
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export interface CallOptions {
  onProgress?: (p: BatchProgress) => void;
  signal?: AbortSignal;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (p: BatchProgress) => void;
}

export class EngineClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();

  /// The worker is created on first use; it loads the WebAssembly module on its first request.
  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'loanlens-engine' });
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.onMessage(e.data);
    worker.onerror = (e) => {
      const err = new EngineError(`engine worker failed: ${e.message || 'could not start'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker = null;
    };
    this.worker = worker;
    return worker;
  }

  private onMessage(msg: FromWorker): void {
    const p = this.pending.get(msg.id);
    if (!p) return; // cancelled or unknown: ignore late messages
    if (msg.kind === Kind.Progress) {
      p.onProgress?.(msg.progress);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.kind === Kind.Result) p.resolve(msg.value);
    else p.reject(msg.cancelled ? new CancelledError() : new EngineError(msg.message));
  }

  call<K extends RequestKind>(kind: K, payload: Api[K]['req'], options: CallOptions = {}): Promise<Api[K]['res']> {
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.reject(new CancelledError());
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<Api[K]['res']>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        worker.postMessage({ id: this.nextId++, kind: Kind.Cancel, target: id } satisfies ToWorker);
        reject(new CancelledError());
      };
      this.pending.set(id, {
        resolve: (v) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(v as Api[K]['res']);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
        onProgress,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, kind, payload } as ToWorker);
    });
  }

  version() {
    return this.call(Kind.Version, {}).then((r) => r.version);
  }
  loadBundle(text: string) {
    return this.call(Kind.LoadBundle, { text });
  }
  unloadBundle(handle: number) {
    return this.call(Kind.UnloadBundle, { handle });
  }
  score(handle: number, record: Api[typeof Kind.Score]['req']['record'], explain = true) {
    return this.call(Kind.Score, { handle, record, explain });
  }
  receipt(req: Api[typeof Kind.Receipt]['req']) {
    return this.call(Kind.Receipt, req);
  }
  csvText(rows: string[][]) {
    return this.call(Kind.CsvText, { rows }).then((r) => r.parts);
  }
  batch(req: Api[typeof Kind.Batch]['req'], options: CallOptions) {
    return this.call(Kind.Batch, req, options);
  }

  review(req: Api[typeof Kind.Review]['req'], options: CallOptions = {}) {
    return this.call(Kind.Review, req, options);
  }

  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new CancelledError());
    this.pending.clear();
  }
}
