// Unit tests of the decision card's content (web/src/decision/card.ts) and the points waterfall
// (web/src/decision/waterfall_steps.ts): what the officer sees, in which order, from the engine's JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decisionCard, recourseText, cutoffText } from '../../build/web-units/decision/card.js';
import { pointsWaterfall, wrapLabel } from '../../build/web-units/decision/waterfall_steps.js';

const policy = { base_points: 600, base_odds: 50, pdo: 20, approve_below: 0.1, decline_at: 0.3 };
const ctx = { labels: { credit_amount: 'Credit amount (DM)', duration_months: 'Loan duration (months)' }, current: { credit_amount: '25000', duration_months: '48' }, policy };
const declined = {
  pd: 0.9172937420697416, margin: 2.4, points: 417.6965682447675, band: 'decline', score_band: 'decline',
  rules: [{ id: 'out_of_range', text: 'Credit amount (DM) 25000 is above the training maximum 18424' }],
  reasons: [
    { adverse: true, code: 'R05', feature: 'credit_amount', points: -53.318, contribution: 1.84, text: 'Credit amount (DM) is too high' },
    { adverse: true, code: 'R02', feature: 'duration_months', points: -31.56, contribution: 1.09, text: 'Loan duration (months) is too high' },
  ],
  factors: [],
  price: { rate: 0.4827821839313837, expected_loss: 10319.554598284592, ead: 25000 },
  warnings: [{ column: 'credit_amount', value: '25000', message: 'above the training maximum' }],
  recourse: [{ changes: { credit_amount: 9000, duration_months: 24 }, pd: 0.0812, band: 'approve' }],
  limit: { max_amount: 4100.4 },
};

test('a decline leads with the decision and its adverse reasons in the engine\'s words', () => {
  const c = decisionCard(declined, ctx);
  assert.equal(c.band, 'decline');
  assert.equal(c.bandLabel, 'Decline');
  assert.match(c.summary, /^Declined/);
  assert.equal(c.reasonsTitle, 'Main reasons for this decision');
  assert.deepEqual(c.reasons.map((r) => [r.code, r.text, r.points]), [
    ['R05', 'Credit amount (DM) is too high', '−53 points'],
    ['R02', 'Loan duration (months) is too high', '−32 points'],
  ]);
  assert.equal(c.rules.length, 1);
  assert.equal(c.warnings[0], 'Credit amount (DM) = 25000: above the training maximum');
  assert.equal(c.points, '418');
  assert.equal(c.rate, '48.28%');
  assert.equal(c.expectedLoss, '10,320');
  assert.equal(c.limit, '4,100');
  assert.equal(c.pd, '91.73%');
  assert.equal(c.recourse[0].text, 'Credit amount (DM): 25000 → 9000; Loan duration (months): 48 → 24');
  assert.equal(c.recourse[0].pd, '8.12%');
  for (const r of c.reasons) assert.doesNotMatch(r.text + r.points, /log-odds|odds of default/);
});

test('an approval lists main factors, not adverse; missing price parts are said, not invented', () => {
  const approved = { ...declined, band: 'approve', score_band: 'approve', rules: [], reasons: [], factors: [{ adverse: false, code: 'R01', feature: 'checking_status', points: 12, contribution: -0.4, text: 'No checking account' }], price: { rate: 0.05 }, limit: undefined, recourse: undefined };
  const c = decisionCard(approved, ctx);
  assert.equal(c.reasonsTitle, 'Main factors (not adverse)');
  assert.deepEqual(c.reasons.map((r) => r.points), ['+12 points']);
  assert.equal(c.expectedLoss, null);
  assert.equal(c.limit, null);
  assert.equal(c.recourse, null);
});

test('a review caused by rules says so', () => {
  const c = decisionCard({ ...declined, band: 'review', score_band: 'approve' }, ctx);
  assert.match(c.summary, /would approve, but a review rule fired/);
});

test('cut-offs by PD or by points', () => {
  assert.equal(cutoffText(policy), 'approve below 10.00% PD, decline at 30.00%');
  assert.equal(cutoffText({ ...policy, cutoff_unit: 'points', approve_at_points: 560, decline_below_points: 520 }), 'approve at 560 points or more, decline below 520');
  assert.equal(recourseText({ savings: 'high' }, { ...ctx, current: {} }), 'savings: high');
});

test('points waterfall: largest steps first, the rest pooled, adds up to the score', () => {
  const by = { a: -30, b: 5, c: -1, d: 2, e: 0.5 };
  const w = pointsWaterfall(500, by, (f) => `label ${f}`, 3);
  assert.deepEqual(w.steps.map((s) => s.feature), ['a', 'b', 'd', '']);
  assert.equal(w.steps[3].label, '2 other features');
  assert.ok(Math.abs(w.points - (500 + Object.values(by).reduce((s, x) => s + x, 0))) < 1e-12);
  for (let i = 1; i < w.steps.length; i++) assert.equal(w.steps[i].from, w.steps[i - 1].to);
  assert.equal(w.steps[0].label, 'label a');
});

test('labels wrap at word boundaries and are never cut', () => {
  const text = 'Instalment as % of disposable income (1-4 code) = 4';
  const lines = wrapLabel(text, 20);
  assert.ok(lines.length > 1);
  assert.equal(lines.join(' '), text);
  for (const l of lines) assert.ok(l.length <= 20 || !l.includes(' '));
});

test('recourse: shown when the engine gives it, an empty list says none was found', () => {
  assert.equal(decisionCard({ ...declined, recourse: undefined }, ctx).recourse, null);
  assert.deepEqual(decisionCard({ ...declined, recourse: [] }, ctx).recourse, []);
});
