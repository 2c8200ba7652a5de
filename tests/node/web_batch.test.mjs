// Unit tests of the Batch screen's table and statistics (web/src/batch/table.ts, stats.ts):
// columns, pages, and maxima past the spread limit (sorting and filtering on the compact
// columns: web_bigbatch.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableColumns, pageOf } from '../../build/web-units/batch/table.js';
import { maxFinite, minFinite, histogramCounts, pdAxisMax } from '../../build/web-units/batch/stats.js';

const header = ['age', 'amount', 'pd', 'margin', 'points', 'band', 'rules', 'reason_1', 'reason_2', 'reason_3', 'reason_4', 'expected_loss', 'rate', 'shap_age', 'shap_amount', 'base_value'];
test('decision columns first (band, pd, points, reasons, rules, price), then inputs; no SHAP', () => {
  const cols = tableColumns(header).map((i) => header[i]);
  assert.deepEqual(cols, ['band', 'pd', 'points', 'reason_1', 'reason_2', 'reason_3', 'reason_4', 'rules', 'rate', 'expected_loss', 'margin', 'age', 'amount']);
});

test('pages', () => {
  const order = [0, 1, 2, 3];
  const p = pageOf(order, 1, 3);
  assert.deepEqual(p, { indices: [3], page: 1, pages: 2, from: 4, to: 4 });
  assert.deepEqual(pageOf([], 5, 25), { indices: [], page: 0, pages: 1, from: 0, to: 0 });
});

test('maxima of 300,000 values (Math.max(...values) throws there)', () => {
  const n = 300000;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = (((i * 7919) % n) / n) * 0.5;
  v[12345] = 0.987;
  v[5] = NaN;
  assert.throws(() => Math.max(...v), RangeError);
  assert.equal(maxFinite(v), 0.987);
  assert.equal(minFinite(v), 0);
  assert.equal(pdAxisMax(v), 1);
  assert.equal(pdAxisMax(new Float64Array([0.04, 0.23])), 0.3);
  const counts = histogramCounts(v, 20, 0, 1);
  assert.equal(counts.reduce((s, x) => s + x, 0), n - 1);
});
