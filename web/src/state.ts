/// Application state shared by the views: the engine client, the shipped model list and the
/// bundle that is currently loaded in the engine.
import { EngineClient } from './engine/client';
import type { BundleInfo, ModelEntry } from './types';

export interface LoadedBundle {
  handle: number;
  info: BundleInfo;
  /// Where it came from: a models/ file name or the user's file name.
  source: string;
  /// The bundle's text, to load it into further engine workers (batch scoring on several cores).
  text?: string;
}

export class AppState {
  readonly client = new EngineClient();
  models: ModelEntry[] = [];
  bundle: LoadedBundle | null = null;
  /// Round-trip time (ms) of the latest single-record score with SHAP, for the current bundle.
  scoreMs: number | null = null;
  private listeners = new Set<(b: LoadedBundle | null) => void>();
  private timingListeners = new Set<(ms: number) => void>();
  private openListeners = new Set<(values: Record<string, string>, reference: string) => void>();

  /// Calls `fn` now (if a bundle is loaded) and whenever the bundle changes.
  onBundle(fn: (b: LoadedBundle | null) => void): () => void {
    this.listeners.add(fn);
    if (this.bundle) fn(this.bundle);
    return () => this.listeners.delete(fn);
  }

  /// Calls `fn` whenever a new score timing of the current bundle is measured.
  onScoreTiming(fn: (ms: number) => void): void {
    this.timingListeners.add(fn);
  }

  setScoreTiming(b: LoadedBundle, ms: number): void {
    if (b !== this.bundle) return;
    this.scoreMs = ms;
    for (const fn of this.timingListeners) fn(ms);
  }

  /// Calls `fn` when another screen asks to open an applicant (a batch row) in the Applicant screen.
  onOpenApplicant(fn: (values: Record<string, string>, reference: string) => void): void {
    this.openListeners.add(fn);
  }

  /// Opens an applicant's values in the Applicant screen (which fills its form and scores them).
  openApplicant(values: Record<string, string>, reference: string): void {
    for (const fn of this.openListeners) fn(values, reference);
  }

  setBundle(b: LoadedBundle | null): void {
    this.bundle = b;
    this.scoreMs = null;
    for (const fn of this.listeners) fn(b);
  }
}
