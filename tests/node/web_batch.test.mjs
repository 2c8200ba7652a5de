// Unit tests of the Batch screen's table and statistics (web/src/batch/table.ts, stats.ts):
// columns, sort on precomputed keys, band filter, pages, and maxima past the spread limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableColumns, sortKeys, sortedOrder, filterByBand, pageOf } from '../../build/web-units/batch/table.js';
import { maxFinite, minFinite, bandCounts, histogramCounts, pdAxisMax, numericColumn } from '../../build/web-units/batch/stats.js';

const header = ['age', 'amount', 'pd', 'margin', 'points', 'band', 'rules', 'reason_1', 'reason_2', 'reason_3', 'reason_4', 'expected_loss', 'rate', 'shap_age', 'shap_amount', 'base_value'];
const row = (r, pd, band, amount) => ({ row: r, cells: ['30', String(amount), String(pd), '0', '500', band, '', 'R01: x', '', '', '', '', '0.05', '0', '0', '0'] });
const rows = [row(2, 0.3, 'decline', 10), row(3, 0.05, 'approve', ''), row(4, 0.3, 'review', 7), row(5, 0.12, 'review', 200)];

test('decision columns first (band, pd, points, reasons, rules, price), then inputs; no SHAP', () => {
  const cols = tableColumns(header).map((i) => header[i]);
  assert.deepEqual(cols, ['band', 'pd', 'points', 'reason_1', 'reason_2', 'reason_3', 'reason_4', 'rules', 'rate', 'expected_loss', 'margin', 'age', 'amount']);
});

test('numeric sort on precomputed keys, stable by row; empty cells sort lowest', () => {
  const k = sortKeys(rows, header.indexOf('pd'));
  assert.equal(k.numeric, true);
  assert.deepEqual(sortedOrder(rows, k, true).map((i) => rows[i].row), [2, 4, 5, 3]);
  const a = sortKeys(rows, header.indexOf('amount'));
  assert.deepEqual(sortedOrder(rows, a, false).map((i) => rows[i].row), [3, 4, 2, 5]);
  const b = sortKeys(rows, header.indexOf('band'));
  assert.equal(b.numeric, false);
  assert.deepEqual(sortedOrder(rows, b, false).map((i) => rows[i].row), [3, 2, 4, 5]);
  assert.deepEqual(sortedOrder(rows, sortKeys(rows, -1), true).map((i) => rows[i].row), [5, 4, 3, 2]);
});

test('band filter and pages', () => {
  const order = rows.map((_, i) => i);
  const review = filterByBand(order, rows, header.indexOf('band'), 'review');
  assert.deepEqual(review.map((i) => rows[i].row), [4, 5]);
  assert.equal(filterByBand(order, rows, header.indexOf('band'), ''), order);
  const p = pageOf(order, 1, 3);
  assert.deepEqual(p, { indices: [3], page: 1, pages: 2, from: 4, to: 4 });
  assert.deepEqual(pageOf([], 5, 25), { indices: [], page: 0, pages: 1, from: 0, to: 0 });
  assert.deepEqual(bandCounts(rows, header.indexOf('band')), { approve: 1, review: 2, decline: 1 });
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
  assert.deepEqual(Array.from(numericColumn(rows, header.indexOf('amount'))).map((x) => (Number.isNaN(x) ? 'NaN' : x)), [10, 'NaN', 7, 200]);
});
