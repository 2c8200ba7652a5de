// Unit tests of the page's number formats and the what-if line (web/src/decision/format.ts,
// compiled by `tsc -p web/tsconfig.units.json` to build/web-units/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pdText, rateText, pointsText, amountText, whatIfText, trimNumber } from '../../build/web-units/decision/format.js';

test('PD and rate: percentages with two decimals', () => {
  assert.equal(pdText(0.091729374), '9.17%');
  assert.equal(pdText(0.00004), '0.00%');
  assert.equal(rateText(0.4827821839), '48.28%');
  assert.equal(pdText(NaN), '—');
});

test('points: whole numbers, signed with a true minus', () => {
  assert.equal(pointsText(417.69), '418');
  assert.equal(pointsText(-53.3, true), '−53');
  assert.equal(pointsText(12.5, true), '+13');
  assert.equal(pointsText(0.2, true), '0');
  assert.equal(amountText(10319.55), '10,320');
  assert.equal(trimNumber(1 / 3), '0.333333');
  assert.equal(trimNumber(1200), '1200');
});

test('what-if line is always about the latest score', () => {
  assert.equal(whatIfText(null, 0.2).direction, 'first');
  const up = whatIfText(0.1, 0.1234);
  assert.equal(up.direction, 'up');
  assert.equal(up.text, '▲ +2.34 percentage points since the last score');
  const down = whatIfText(0.5, 0.25);
  assert.equal(down.text, '▼ −25.00 percentage points since the last score');
  // A change that did not move the PD (at the precision shown) says so, never an old delta.
  assert.equal(whatIfText(0.93780001, 0.9378).direction, 'same');
  assert.match(whatIfText(0.3, 0.3).text, /unchanged/);
});
