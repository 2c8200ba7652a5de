/// The result card's content for one decision, as plain data (pure: no DOM). The order is the
/// officer's: decision and its reasons in words, points, price, limit, recourse, then PD and the
/// technical detail. Every number and sentence comes from the engine's decision JSON; this module
/// only chooses what to show and formats it.
import type { Band, FiredRule, PolicyInfo, ScoreResult } from '../types.ts';
import { amountText, bandLabel, pdText, pointsText, rateText } from './format.ts';

export interface CardReason {
  feature: string;
  code: string;
  text: string;
  /// "−53 points"
  points: string;
}

export interface CardRecourse {
  changes: Record<string, string | number>;
  /// "Credit amount (DM): 25000 → 9000; Loan duration (months): 48 → 24"
  text: string;
  pd: string;
  band: Band;
}

export interface DecisionCard {
  band: Band;
  bandLabel: string;
  /// One sentence: what the decision is and why in short.
  summary: string;
  reasonsTitle: string;
  reasons: CardReason[];
  rules: FiredRule[];
  warnings: string[];
  points: string;
  cutoffs: string;
  rate: string;
  expectedLoss: string | null;
  limit: string | null;
  /// null when the engine gave no recourse (approved, or an engine without recourse).
  recourse: CardRecourse[] | null;
  pd: string;
}

/// Labels for features (the schema description, else the name with spaces) and the values now in
/// the form, to describe recourse changes.
export interface CardContext {
  labels: Record<string, string>;
  current: Record<string, string>;
  policy: PolicyInfo;
}

export function cutoffText(p: PolicyInfo): string {
  if (p.cutoff_unit === 'points' && typeof p.approve_at_points === 'number' && typeof p.decline_below_points === 'number')
    return `approve at ${pointsText(p.approve_at_points)} points or more, decline below ${pointsText(p.decline_below_points)}`;
  return `approve below ${pdText(p.approve_below)} PD, decline at ${pdText(p.decline_at)}`;
}

function summaryText(r: ScoreResult): string {
  const rules = r.rules?.length ?? 0;
  if (r.band === 'approve') return 'Approved: the score clears the approval cut-off and no review rule fired.';
  if (r.band === 'decline') return 'Declined: the score is below the decline cut-off.';
  if (rules > 0 && r.score_band === 'approve')
    return `Refer for manual review: the score would approve, but ${rules === 1 ? 'a review rule' : `${rules} review rules`} fired.`;
  return 'Refer for manual review: the score is between the approval and decline cut-offs.';
}

export function recourseText(changes: Record<string, string | number>, ctx: CardContext): string {
  return Object.entries(changes)
    .map(([f, v]) => {
      const from = ctx.current[f];
      const label = ctx.labels[f] ?? f;
      const to = typeof v === 'number' ? String(Number(v.toPrecision(6))) : v;
      return from !== undefined && from !== '' ? `${label}: ${from} → ${to}` : `${label}: ${to}`;
    })
    .join('; ');
}

export function decisionCard(r: ScoreResult, ctx: CardContext): DecisionCard {
  const adverse = r.band !== 'approve';
  const list = (adverse ? r.reasons : r.factors) ?? [];
  return {
    band: r.band,
    bandLabel: bandLabel(r.band),
    summary: summaryText(r),
    reasonsTitle: adverse ? 'Main reasons for this decision' : 'Main factors (not adverse)',
    reasons: list.map((x) => ({ feature: x.feature, code: x.code, text: x.text, points: `${pointsText(x.points, true)} points` })),
    rules: r.rules ?? [],
    warnings: (r.warnings ?? []).map((w) => (w.column ? `${ctx.labels[w.column] ?? w.column}${w.value ? ` = ${w.value}` : ''}: ${w.message}` : w.message)),
    points: pointsText(r.points),
    cutoffs: cutoffText(ctx.policy),
    rate: r.price ? rateText(r.price.rate) : '—',
    expectedLoss: r.price && typeof r.price.expected_loss === 'number' ? amountText(r.price.expected_loss) : null,
    limit: r.limit && typeof r.limit.max_amount === 'number' ? amountText(r.limit.max_amount) : null,
    recourse: r.band === 'approve' || !Array.isArray(r.recourse) ? null : r.recourse.map((o) => ({ changes: o.changes, text: recourseText(o.changes, ctx), pd: pdText(o.pd), band: o.band })),
    pd: pdText(r.pd),
  };
}
