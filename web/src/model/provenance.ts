/// The Model screen's provenance, training and parameter lists and the training data summary, as
/// text (pure: no DOM). Everything is a field of the bundle summary.
import type { BundleInfo, FeatureInfo } from '../types.ts';
import { explainMethod, marginScale } from '../explain.ts';
import { fmt, int, pct } from '../numbers.ts';
import { num } from './values.ts';

/// A value shown as text, or as code (a hash); `testid` names the code element for tests.
export type PairValue = string | { code: string; testid?: string };

/// The explanation line: "Exact TreeSHAP (tree_shap); base value −1.2345 log-odds" (or "8.37%").
function explanationText(info: BundleInfo): string {
  const base = num(info.explain?.base_value);
  const baseText = marginScale(info) === 'probability' ? pct(base, 2) : `${fmt(base, 4)} log-odds`;
  return `${explainMethod(info).name} (${info.explain?.method ?? '—'}); base value ${baseText}`;
}

export function provenancePairs(info: BundleInfo, calibration: string): [string, PairValue][] {
  const t = info.training ?? {};
  const p = info.policy;
  return [
    ['Content SHA-256', { code: info.content_sha256 ?? '—', testid: 'content-hash' }],
    ['Model kind', info.kind],
    ['Engine version', info.engine_version ?? '—'],
    ['Bundle format', String(info.format_version ?? '—')],
    ['Created', info.created_at ?? '—'],
    ['Training rows', int(num(t.rows))],
    ['Training data SHA-256', { code: String(t.data_sha256 ?? '—') }],
    ['Seed', String(t.seed ?? '—')],
    ['Explanation', explanationText(info)],
    ['Margin scale', marginScale(info) === 'probability' ? 'probability (average of the trees)' : 'log-odds'],
    ['Calibration', calibration],
    ['Policy', `approve PD < ${pct(p.approve_below, 1)}, decline PD ≥ ${pct(p.decline_at, 1)}; ${p.base_points} points at ${p.base_odds}:1 odds, ${p.pdo} points to double`],
  ];
}

/// The training facts the bundle has (absent, null and empty ones left out); counts with separators.
export function trainingPairs(info: BundleInfo): [string, string][] {
  const t = info.training ?? {};
  const pairs: [string, unknown][] = [
    ['Data file', t.data_file],
    ['Model family', t.model],
    ['Split', t.split],
    ['Training rows', t.train_rows],
    ['Validation rows', t.valid_rows],
    ['Default rate (training)', typeof t.positive_rate_train === 'number' ? pct(t.positive_rate_train, 2) : undefined],
  ];
  return pairs.filter(([, x]) => x !== undefined && x !== null && x !== '').map(([k, x]) => [k, typeof x === 'number' ? int(x) : String(x)]);
}

/// The training parameters as given (objects as JSON); empty when the family's defaults were used.
export function parameterPairs(info: BundleInfo): [string, string][] {
  return Object.entries(info.training?.params ?? {}).map(([k, val]) => [k, typeof val === 'object' ? JSON.stringify(val) : String(val)]);
}

/// "1.00 – 72.00 (median 18.00)" or "4 levels: a, b, c, d" ("…" past four).
export function featureSummary(f: FeatureInfo): string {
  if (f.type === 'numeric') return `${fmt(f.min, 2)} – ${fmt(f.max, 2)} (median ${fmt(f.median, 2)})`;
  const levels = f.categories ?? [];
  return `${levels.length} levels: ${levels.slice(0, 4).join(', ')}${levels.length > 4 ? ', …' : ''}`;
}

export interface FeatureTable {
  /// Column headers; 'Description' only when some feature has one.
  header: string[];
  withDescriptions: boolean;
  rows: { name: string; type: string; description: string; summary: string; missing: string }[];
}

export function featureTable(info: BundleInfo): FeatureTable {
  const withDescriptions = info.features.some((f) => (f.description ?? '').trim() !== '');
  return {
    header: ['Feature', 'Type', ...(withDescriptions ? ['Description'] : []), 'Range / levels (training data)', 'Missing'],
    withDescriptions,
    rows: info.features.map((f) => ({ name: f.name, type: f.type, description: f.description ?? '', summary: featureSummary(f), missing: int(f.missing ?? 0) })),
  };
}
