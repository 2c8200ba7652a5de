// The bindings the page's decision screens use, on the real WebAssembly module: the decision
// record (receipt) equals `loanlens explain --receipt`'s decision for the same applicant, the
// batch summary's mean |SHAP| is the mean of the shap_* cells, and the bundle summary says
// whether Kernel SHAP is exact.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, loadEngine, repo, runBatch, shippedBundles } from './helpers.mjs';

let m;
let bundlePath;
let handle;
let info;

before(async () => {
  m = await loadEngine();
  const bundles = await shippedBundles();
  bundlePath = bundles.find((b) => b.includes('german_credit_gbdt')) ?? bundles[0];
  const r = JSON.parse(m.loadBundle(await readFile(bundlePath, 'utf8')));
  assert.equal(r.error, undefined, r.error);
  handle = r.handle;
  info = r.info;
});

test('receipt: format, header and the decision of explain for the same applicant', () => {
  const record = { duration_months: 48, credit_amount: 9000 };
  const row = Object.fromEntries(Object.entries(record).filter(([k]) => info.features.some((f) => f.name === k)));
  const receipt = JSON.parse(m.receipt(handle, JSON.stringify(row), 'APP-7', 'bundle.json'));
  assert.equal(receipt.error, undefined, receipt.error);
  assert.equal(receipt.format, 'loanlens-decision-record');
  assert.equal(receipt.applicant_reference, 'APP-7');
  assert.equal(receipt.bundle.name, 'bundle.json');
  assert.equal(receipt.bundle.content_sha256, info.content_sha256);
  const cliOut = JSON.parse(execFileSync(cli, ['explain', '--model', bundlePath, '--row', JSON.stringify(row)], { encoding: 'utf8' }));
  for (const k of ['pd', 'points', 'band', 'rules', 'reasons', 'factors', 'inputs', 'price', 'points_by_feature']) assert.deepEqual(receipt.decision[k], cliOut[k], k);
  assert.match(JSON.parse(m.receipt(handle, '{bad', '', '')).error, /record: not valid JSON/);
  assert.match(JSON.parse(m.receipt(987654, '{}', '', '')).error, /no bundle loaded/);
});

test('batch summary: mean |SHAP| per feature is the mean of the shap_* cells', async () => {
  const data = join(repo, 'models/data', info.training.data_file);
  const lines = (await readFile(data, 'utf8')).split('\n').filter(Boolean).slice(0, 201);
  const out = runBatch(m, handle, lines.join('\n') + '\n', { explain: true });
  const mean = out.summary.mean_abs_shap;
  assert.ok(mean && Object.keys(mean).length === info.features.length);
  for (const f of info.features) {
    const c = out.header.indexOf(`shap_${f.name}`);
    const want = out.rows.reduce((s, r) => s + Math.abs(Number(r.cells[c])), 0) / out.rows.length;
    assert.ok(Math.abs(mean[f.name] - want) <= 1e-12 * Math.max(1, want), `${f.name}: ${mean[f.name]} vs ${want}`);
  }
  assert.equal(runBatch(m, handle, lines.join('\n') + '\n', { explain: false }).summary.mean_abs_shap, undefined);
});

test('bundle summary: Kernel SHAP exactness comes from the engine', async () => {
  for (const path of await shippedBundles()) {
    const text = await readFile(path, 'utf8');
    const b = JSON.parse(text);
    if (b.explain?.method !== 'kernel_shap') continue;
    const r = JSON.parse(m.loadBundle(text));
    const k = r.info.explain.kernel_shap;
    assert.equal(k.num_groups, b.explain.kernel_shap.group_names.length);
    assert.equal(k.exact, k.num_groups <= k.max_exact_groups);
    m.unloadBundle(r.handle);
  }
});
