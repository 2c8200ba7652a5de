// Unit tests of the Model screen's pure parts (web/src/model/, web/src/numbers.ts, compiled by
// `tsc -p web/tsconfig.units.json` to build/web-units/): what each card and chart shows, read from
// small hand-made summaries and from the real engine's summaries of shipped bundles (models/*.json).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadEngine, repo } from './helpers.mjs';
import { fmt, int, pct } from '../../build/web-units/numbers.js';
import { num, numArray } from '../../build/web-units/model/values.js';
import { importanceChart, importanceTable } from '../../build/web-units/model/importance.js';
import { calibrationChart, distributionChart, validationCurves } from '../../build/web-units/model/curves.js';
import { confusionAt, confusionStatsText, rocMarker, thresholdText } from '../../build/web-units/model/confusion.js';
import { calibrationRows, calibrationText, headlineMetrics, headlineText, marginScaleText, validationMetrics } from '../../build/web-units/model/headline.js';
import { featureSummary, featureTable, parameterPairs, provenancePairs, trainingPairs } from '../../build/web-units/model/provenance.js';

let engine;
before(async () => {
  engine = await loadEngine();
});

/// The bundle summary the page shows (the engine's loadBundle answer, as the worker hands it over).
async function summary(name) {
  const r = JSON.parse(engine.loadBundle(await readFile(join(repo, 'models', `${name}.json`), 'utf8')));
  assert.equal(r.error, undefined, r.error);
  return r.info;
}
const policy = { base_points: 600, base_odds: 50, pdo: 20, approve_below: 0.1, decline_at: 0.3 };
const info = (extra = {}) => ({ kind: 'logistic', target: { name: 'class', positive: '2' }, features: [], policy, ...extra });

test('number formats: fixed digits, percentages, whole numbers with separators, a dash when missing', () => {
  assert.equal(fmt(0.123456), '0.1235');
  assert.equal(fmt(2, 2), '2.00');
  assert.equal(pct(0.2345, 1), '23.4%');
  assert.equal(int(12345.6), '12,346');
  for (const f of [fmt, pct, int]) for (const x of [undefined, null, NaN, Infinity]) assert.equal(f(x), '—');
  assert.equal(num('1'), undefined);
  assert.equal(num(NaN), undefined);
  assert.equal(num(0), 0);
  assert.deepEqual(numArray([1, 2]), [1, 2]);
  assert.equal(numArray([1, '2']), undefined);
  assert.equal(numArray({}), undefined);
});

test('importance: the three layouts of the importance section read to the same table', () => {
  const features = [{ name: 'age' }, { name: 'income' }];
  const want = new Map([['age', { mean_abs_shap: 0.5, gain: 3 }], ['income', { mean_abs_shap: 0.25 }]]);
  const layouts = [
    { mean_abs_shap: { age: 0.5, income: 0.25 }, gain: { age: 3 } },
    { age: { mean_abs_shap: 0.5, gain: 3 }, income: { mean_abs_shap: 0.25 } },
    { features: [{ name: 'age', mean_abs_shap: 0.5, gain: 3 }, { feature: 'income', mean_abs_shap: 0.25, gain: 'n/a' }] },
  ];
  for (const importance of layouts) {
    const t = importanceTable(info({ features, importance }));
    assert.deepEqual(new Map([...t.rows].sort()), want);
    assert.deepEqual([...t.metrics].sort(), ['gain', 'mean_abs_shap']);
  }
  assert.equal(importanceChart(info({ features })), null);
});

test('importance chart: mean |SHAP| first, largest first, ties by name, top 20, tall past 12 features', () => {
  const values = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`f${String(i).padStart(2, '0')}`, i % 5]));
  const c = importanceChart(info({ importance: { gain: { f00: 9 }, mean_abs_shap: values } }));
  assert.equal(c.metric, 'mean_abs_shap');
  assert.equal(c.items.length, 20);
  assert.deepEqual(c.items.slice(0, 6).map((i) => i.label), ['f04', 'f09', 'f14', 'f19', 'f24', 'f03']);
  assert.equal(c.size, 'tall');
  assert.equal(c.title, 'Global importance: mean |SHAP| on the validation set');
  assert.equal(c.xTitle, 'Mean |contribution| (log-odds of default)');
  const forest = importanceChart(info({ kind: 'random_forest', importance: { mean_abs_shap: { a: 1, b: 2 } } }));
  assert.equal(forest.xTitle, 'Mean |contribution| (probability of default)');
  assert.equal(forest.size, 'medium');
  const gain = importanceChart(info({ importance: { gain: { a: 1, b: 2 } } }));
  assert.deepEqual([gain.title, gain.xTitle, gain.items], ['Global importance (gain)', 'gain', [{ label: 'b', value: 2 }, { label: 'a', value: 1 }]]);
});

test('importance chart of a shipped bundle: the stored mean |SHAP|, ranked, nothing recomputed', async () => {
  const b = await summary('german_credit_gbdt');
  const c = importanceChart(b);
  const stored = Object.entries(b.importance.mean_abs_shap).sort((x, y) => y[1] - x[1]);
  assert.deepEqual(c.items.map((i) => [i.label, i.value]), stored.slice(0, 20));
});

test('curves: the KS curve from ks_curve (thresholds clamped for the axis), the confusion curve unclamped', () => {
  const v = {
    auc: 0.8, ks: 0.4, ks_threshold: 0.3,
    roc: { fpr: [0, 0.5, 1], tpr: [0, 0.8, 1], threshold: [2, 0.3, 0] },
    ks_curve: { threshold: [1.5, 0.6, 0.3, -0.1], cum_bad: [0, 0.5, 0.8, 1], cum_good: [0, 0.1, 0.5, 1] },
  };
  const c = validationCurves(v);
  assert.deepEqual(c.roc, { fpr: [0, 0.5, 1], tpr: [0, 0.8, 1], auc: 0.8 });
  assert.deepEqual(c.ks, { threshold: [1, 0.6, 0.3, 0], tpr: [0, 0.5, 0.8, 1], fpr: [0, 0.1, 0.5, 1], ks: 0.4, ksThreshold: 0.3 });
  assert.deepEqual(c.confusion, { thr: [1.5, 0.6, 0.3, -0.1], tpr: [0, 0.5, 0.8, 1], fpr: [0, 0.1, 0.5, 1] });
  // Without a ks_curve both read the ROC arrays; without ROC thresholds there is neither.
  const r = validationCurves({ roc: v.roc });
  assert.deepEqual(r.confusion, { thr: [2, 0.3, 0], tpr: [0, 0.8, 1], fpr: [0, 0.5, 1] });
  assert.deepEqual(r.ks.threshold, [1, 0.3, 0]);
  const bare = validationCurves({ roc: { fpr: [0, 1], tpr: [0, 1] } });
  assert.deepEqual([bare.ks, bare.confusion, bare.roc.auc], [null, null, undefined]);
  // Arrays of different lengths are not a curve.
  assert.equal(validationCurves({ ks_curve: { threshold: [1, 0], cum_bad: [0], cum_good: [0, 1] } }).ks, null);
  assert.deepEqual(validationCurves({}), { roc: null, ks: null, confusion: null });
});

test('calibration and distribution charts: labels and units from what the bundle stores', () => {
  const bins = [{ bin: 0, n: 5, mean_pd: 0.1, observed: 0.2 }];
  assert.equal(calibrationChart({}, undefined), null);
  assert.deepEqual(calibrationChart({ calibration: bins }, undefined), { bins, before: undefined, label: 'Calibration plot' });
  assert.equal(calibrationChart({ calibration: bins }, { calibration: bins }).label, 'Calibration plot before and after calibration');
  assert.equal(calibrationChart({ calibration: bins }, { calibration: [] }).before, undefined);
  const sd = { edges: [0, 0.5, 1], positive: [1, 2], negative: [3, 4] };
  assert.deepEqual(distributionChart({ score_distribution: sd }, 'bad'), { ...sd, positiveLabel: 'Defaults (bad)', negativeLabel: 'Non-defaults', unit: 'PD' });
  assert.equal(distributionChart({ score_distribution: { ...sd, edges: [300, 600, 900] } }, 'bad').unit, 'Score');
  assert.equal(distributionChart({ score_distribution: { ...sd, positive: null } }, 'bad'), null);
});

test('confusion matrix: the curve point with the smallest threshold at or above t', () => {
  // 10 defaults and 30 good loans.
  const curve = { thr: [0.9, 0.6, 0.3, 0.1], tpr: [0.2, 0.5, 0.8, 1], fpr: [0, 0.1, 0.4, 1] };
  const c = confusionAt(curve, 10, 40, 0.35);
  assert.deepEqual(c, { best: 1, tp: 5, fp: 3, fn: 5, tn: 27 });
  assert.equal(c.tp + c.fp + c.fn + c.tn, 40);
  assert.equal(confusionStatsText(c, curve, 10, 40), 'Recall 50.0% · precision 62.5% · accuracy 80.0% · declined 20.0% · read at the nearest stored PD at or above the threshold: 60.00%');
  assert.deepEqual(rocMarker(c, curve), { fpr: 0.1, tpr: 0.5 });
  assert.equal(confusionAt(curve, 10, 40, 0.3).best, 2);
  // Above every PD nothing is declined: no precision, the marker at the origin.
  const none = confusionAt(curve, 10, 40, 0.95);
  assert.deepEqual(none, { best: -1, tp: 0, fp: 0, fn: 10, tn: 30 });
  assert.equal(confusionStatsText(none, curve, 10, 40), 'Recall 0.0% · precision — · accuracy 75.0% · declined 0.0%');
  assert.deepEqual(rocMarker(none, curve), { fpr: 0, tpr: 0 });
  assert.equal(thresholdText(0.3), '30.0%');
  assert.equal(thresholdText(0.005), '0.5%');
});

test('confusion matrix on the engine\'s grid: read at the grid point, no "nearest stored PD" note', () => {
  const grid = { thr: [0, 0.5, 1], tpr: [1, 0.4, 0], fpr: [1, 0.1, 0], step: 0.5 };
  const c = confusionAt(grid, 10, 40, 0.5000000001);
  assert.deepEqual(c, { best: 1, tp: 4, fp: 3, fn: 6, tn: 27 });
  assert.equal(confusionAt(grid, 10, 40, 0.7).best, 1); // the slider only stops on grid points
  assert.equal(confusionAt(grid, 10, 40, 2).best, 2);
  assert.equal(confusionStatsText(c, grid, 10, 40), 'Recall 40.0% · precision 57.1% · accuracy 77.5% · declined 17.5%');
  const v = { confusion_grid: { step: 0.5, threshold: [0, 0.5, 1], tpr: [1, 0.4, 0], fpr: [1, 0.1, 0] } };
  assert.deepEqual(validationCurves(v).confusion, grid);
  // A grid with arrays of different lengths is not used.
  assert.equal(validationCurves({ confusion_grid: { ...v.confusion_grid, fpr: [1] } }).confusion, null);
});

test('confusion matrix of every shipped bundle at every grid point = the engine\'s counts', async () => {
  // The grid is unthinned: at the stored cut-offs (multiples of its step) the page's counts are
  // the engine's own confusion counts, for the large validation sets too.
  const shipped = (await readdir(join(repo, 'models'))).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
  assert.ok(shipped.length >= 10);
  for (const name of shipped) {
    const v = (await summary(name)).metrics.validation;
    const curve = validationCurves(v).confusion;
    assert.equal(curve.step, 0.005, `${name}: the confusion grid`);
    assert.equal(curve.thr.length, 201, name);
    const at = (t) => confusionAt(curve, v.n_positive, v.n_rows, t);
    const counts = (c) => [c.tp, c.fp, c.fn, c.tn];
    assert.deepEqual(counts(at(v.threshold)), counts(v.confusion), `${name}: at ${v.threshold}`);
    for (const cut of v.confusion_at_cutoffs) assert.deepEqual(counts(at(cut.cutoff)), counts(cut), `${name}: at ${cut.cutoff_name}`);
  }
});

test('headline: validation metrics, before-calibration notes only with a calibration step', () => {
  const v = { auc: 0.81234, gini: 0.62468, ks: 0.5, ks_threshold: 0.275, pr_auc: 0.6, log_loss: 0.45, brier: 0.15, n_rows: 2000, n_positive: 600 };
  const u = { log_loss: 0.47, brier: 0.16 };
  const plain = info({ metrics: { validation: v, validation_uncalibrated: u } });
  assert.equal(validationMetrics(plain).before, undefined);
  const platt = info({ calibration: { kind: 'platt', a: 1.1, b: -0.2 }, metrics: { validation: v, validation_uncalibrated: u } });
  assert.equal(validationMetrics(platt).before, u);
  assert.deepEqual(validationMetrics(info()), { after: {}, before: undefined });
  const cards = headlineMetrics(v, u);
  assert.deepEqual(cards.map((c) => c.label), ['AUC', 'Gini', 'KS', 'PR AUC', 'Log loss', 'Brier']);
  assert.deepEqual(cards[0], { label: 'AUC', value: '0.8123', note: 'area under ROC' });
  assert.equal(cards[2].note, 'at PD 27.5%');
  assert.equal(cards[4].note, 'lower is better · before calibration 0.4700');
  assert.equal(headlineMetrics(v, undefined)[5].note, 'lower is better');
  assert.equal(headlineMetrics({}, undefined)[2].note, '');
  assert.equal(headlineMetrics({}, undefined)[0].value, '—');
  assert.equal(headlineText(plain, v), 'logistic model · predicts class = 2 · validation set of 2,000 rows (600 defaults)');
  assert.match(marginScaleText(plain), /log-odds\. PD = sigmoid\(margin\)/);
  assert.match(marginScaleText(platt), /PD = the calibration map of the margin/);
  assert.match(marginScaleText(info({ kind: 'random_forest' })), /^Margin scale: probability\./);
});

test('calibration step: the fitted map in one line, metrics before and after with the change', () => {
  assert.equal(calibrationText(info()), 'none');
  assert.equal(calibrationText(info({ calibration: { kind: 'none' } })), 'none');
  assert.equal(calibrationText(info({ calibration: { kind: 'platt', a: 1.23456, b: -0.5 } })), 'Platt scaling: PD = sigmoid(a·margin + b), a = 1.2346, b = -0.5000');
  assert.equal(calibrationText(info({ calibration: { kind: 'isotonic', knots_margin: [1, 2, 3] } })), 'isotonic regression: 3 knots, PD interpolated linearly between them');
  const rows = calibrationRows({ brier: 0.15, log_loss: 0.45, auc: 0.8 }, { brier: 0.16, log_loss: 0.44, ks: 0.4 });
  assert.deepEqual(rows.map((r) => [r.key, r.label, r.beforeText, r.afterText, r.changeText]), [
    ['brier', 'Brier score', '0.1600', '0.1500', '−0.0100'],
    ['log_loss', 'Log loss', '0.4400', '0.4500', '+0.0100'],
    ['auc', 'AUC', '—', '0.8000', '—'],
    ['ks', 'KS', '0.4000', '—', '—'],
  ]);
  assert.deepEqual([rows[0].before, rows[0].after, rows[2].before], [0.16, 0.15, undefined]);
  assert.deepEqual(calibrationRows({}, undefined), []);
});

test('provenance, training and parameters of a shipped bundle', async () => {
  const b = await summary('german_credit_logistic');
  const p = new Map(provenancePairs(b, calibrationText(b)));
  assert.deepEqual(p.get('Content SHA-256'), { code: b.content_sha256, testid: 'content-hash' });
  assert.deepEqual(p.get('Training data SHA-256'), { code: b.training.data_sha256 });
  assert.equal(p.get('Training rows'), int(b.training.rows));
  assert.equal(p.get('Seed'), String(b.training.seed));
  assert.equal(p.get('Explanation'), `Exact linear SHAP (linear_shap); base value ${b.explain.base_value.toFixed(4)} log-odds`);
  assert.equal(p.get('Calibration'), 'none');
  assert.equal(p.get('Policy'), `approve PD < ${pct(b.policy.approve_below, 1)}, decline PD ≥ ${pct(b.policy.decline_at, 1)}; ${b.policy.base_points} points at ${b.policy.base_odds}:1 odds, ${b.policy.pdo} points to double`);
  const forest = new Map(provenancePairs(await summary('german_credit_random_forest'), 'none'));
  assert.match(forest.get('Explanation'), /^Exact TreeSHAP \(tree_shap\); base value \d+\.\d\d%$/);
  assert.equal(forest.get('Margin scale'), 'probability (average of the trees)');
  const missing = new Map(provenancePairs(info(), 'none'));
  assert.deepEqual([missing.get('Content SHA-256').code, missing.get('Engine version'), missing.get('Training rows')], ['—', '—', '—']);

  assert.deepEqual(trainingPairs(info({ training: { data_file: 'x.csv', model: '', split: null, train_rows: 12345, positive_rate_train: 0.3 } })), [
    ['Data file', 'x.csv'],
    ['Training rows', '12,345'],
    ['Default rate (training)', '30.00%'],
  ]);
  assert.deepEqual(parameterPairs(info({ training: { params: { n_trees: 40, grid: { a: [1, 2] }, calibration: 'platt' } } })), [
    ['n_trees', '40'],
    ['grid', '{"a":[1,2]}'],
    ['calibration', 'platt'],
  ]);
  assert.deepEqual(parameterPairs(info()), []);
});

test('training data summary: ranges, levels, the description column only when there are descriptions', () => {
  assert.equal(featureSummary({ name: 'a', type: 'numeric', min: 1, max: 72, median: 18 }), '1.00 – 72.00 (median 18.00)');
  assert.equal(featureSummary({ name: 'a', type: 'numeric' }), '— – — (median —)');
  assert.equal(featureSummary({ name: 'c', type: 'categorical', categories: ['a', 'b', 'c', 'd'] }), '4 levels: a, b, c, d');
  assert.equal(featureSummary({ name: 'c', type: 'categorical', categories: ['a', 'b', 'c', 'd', 'e'] }), '5 levels: a, b, c, d, …');
  assert.equal(featureSummary({ name: 'b', type: 'boolean' }), '0 levels: ');
  const features = [{ name: 'age', type: 'numeric', min: 18, max: 70, median: 35, missing: 1234 }, { name: 'home', type: 'categorical', categories: ['own'], description: ' ' }];
  const t = featureTable(info({ features }));
  assert.equal(t.withDescriptions, false);
  assert.deepEqual(t.header, ['Feature', 'Type', 'Range / levels (training data)', 'Missing']);
  assert.deepEqual(t.rows.map((r) => r.missing), ['1,234', '0']);
  const d = featureTable(info({ features: [{ ...features[0], description: 'Age in years' }, features[1]] }));
  assert.deepEqual(d.header, ['Feature', 'Type', 'Description', 'Range / levels (training data)', 'Missing']);
  assert.deepEqual(d.rows.map((r) => r.description), ['Age in years', ' ']);
});
