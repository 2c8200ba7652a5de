/// Application state shared by the views: the engine client, the shipped model list and the
/// bundle that is currently loaded in the engine.
import { EngineClient } from './engine/client';
import type { BundleInfo, ModelEntry } from './types';

export interface LoadedBundle {
  handle: number;
  info: BundleInfo;
  /// Where it came from: a models/ file name or the user's file name.
  source: string;
}

export class AppState {
  readonly client = new EngineClient();
  models: ModelEntry[] = [];
  bundle: LoadedBundle | null = null;
  private listeners = new Set<(b: LoadedBundle | null) => void>();

  /// Calls `fn` now (if a bundle is loaded) and whenever the bundle changes.
  onBundle(fn: (b: LoadedBundle | null) => void): () => void {
    this.listeners.add(fn);
    if (this.bundle) fn(this.bundle);
    return () => this.listeners.delete(fn);
  }

  setBundle(b: LoadedBundle | null): void {
    this.bundle = b;
    for (const fn of this.listeners) fn(b);
  }
}
