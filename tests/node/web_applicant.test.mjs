// Unit tests of the applicant form's pure parts: derived ratios (web/src/applicant/derived.ts)
// and typical starting values (web/src/applicant/defaults.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { derivedRatios, derivedValue, withDerived } from '../../build/web-units/applicant/derived.js';
import { defaultValue, featureLabel } from '../../build/web-units/applicant/defaults.js';

const columns = [
  { name: 'loan_amnt', type: 'numeric' },
  { name: 'person_income', type: 'numeric' },
  { name: 'loan_percent_income', type: 'numeric', derived: { ratio: ['loan_amnt', 'person_income'] } },
];

test('a derived ratio is computed from its parts', () => {
  const ratios = derivedRatios(columns);
  assert.deepEqual(ratios, [{ name: 'loan_percent_income', numerator: 'loan_amnt', denominator: 'person_income' }]);
  const v = withDerived({ loan_amnt: '10000', person_income: '60000', loan_percent_income: '0.9' }, ratios);
  assert.equal(v.loan_percent_income, '0.166667');
  assert.ok(Math.abs(Number(v.loan_percent_income) - 10000 / 60000) < 0.01); // within the engine's derived_tolerance
});

test('a ratio with a missing part or a zero denominator is missing, not a number', () => {
  const [d] = derivedRatios(columns);
  assert.equal(derivedValue({ loan_amnt: '', person_income: '5' }, d), '');
  assert.equal(derivedValue({ loan_amnt: '5', person_income: '0' }, d), '');
  assert.equal(derivedValue({ loan_amnt: 'x', person_income: '2' }, d), '');
  assert.deepEqual(derivedRatios([{ name: 'a' }]), []);
});

test('typical values: median, most frequent level, boolean by median', () => {
  assert.equal(defaultValue({ name: 'x', type: 'numeric', median: 2.5 }), '2.5');
  assert.equal(defaultValue({ name: 'x', type: 'numeric' }), '');
  assert.equal(defaultValue({ name: 'c', type: 'categorical', categories: ['own', 'rent'] }), 'own');
  assert.equal(defaultValue({ name: 'b', type: 'boolean', categories: ['N', 'Y'], median: 0.7 }), 'Y');
  assert.equal(featureLabel({ name: 'loan_amnt' }), 'loan amnt');
  assert.equal(featureLabel({ name: 'loan_amnt', description: ' Loan amount ' }), 'Loan amount');
});
