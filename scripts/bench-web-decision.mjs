#!/usr/bin/env node
// The decision of one applicant in the browser: reasons, price, limit and recourse for a 300-tree
// gbdt (models/credit_risk_gbdt.json), timed per call of the real engine module (build/wasm:
// loanlens.mjs + loanlens.wasm, as the app's worker loads it) in headless Chromium and in node.
// The applicants are the first N rows of models/data/credit_risk_dataset.csv that the bundle does
// not approve (native `loanlens score` picks them), sent as the Applicant screen sends a form:
// {column: cell text}. Target from issue 9: recourse under 200 ms per applicant in the browser.
// Usage: node scripts/bench-web-decision.mjs [--applicants N] [--json-out FILE]; prints JSON.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumOn, cli, option, repo } from './bench-web-lib.mjs';

const numApplicants = Number(option('--applicants', 50));
const jsonOut = option('--json-out', null);
const wasmDir = process.env.LOANLENS_WASM_DIR ?? join(repo, 'build/wasm');
const bundlePath = join(repo, 'models/credit_risk_gbdt.json');
const dataPath = join(repo, 'models/data/credit_risk_dataset.csv');
for (const f of [cli, join(wasmDir, 'loanlens.mjs'), join(wasmDir, 'loanlens.wasm')])
  if (!existsSync(f)) throw new Error(`${f} missing: build the native CLI and the wasm module`);

// Applicants not approved: the native scorer's band column on the first rows (quote-free file).
const work = await mkdtemp(join(tmpdir(), 'loanlens-bench-decision-'));
const lines = (await readFile(dataPath, 'utf8')).split(/\r?\n/).filter((l) => l !== '');
const header = lines[0].split(',');
const sample = join(work, 'sample.csv');
await writeFile(sample, lines.slice(0, 4001).join('\n') + '\n');
execFileSync(cli, ['score', '--model', bundlePath, '--data', sample, '--out', join(work, 'scored.csv'), '--threads', '1'], { stdio: 'ignore' });
const scored = (await readFile(join(work, 'scored.csv'), 'utf8')).split('\n').filter((l) => l !== '');
const band = scored[0].split(',').indexOf('band');
const bundle = JSON.parse(await readFile(bundlePath, 'utf8'));
const features = new Set(bundle.schema.columns.filter((c) => c.role === 'feature').map((c) => c.name));
const applicants = [];
for (let i = 1; i < scored.length && applicants.length < numApplicants; i++) {
  if (scored[i].split(',')[band] === 'approve') continue;
  const cells = lines[i].split(',');
  const record = {};
  header.forEach((h, j) => { if (features.has(h) && cells[j] !== '') record[h] = cells[j]; });
  applicants.push(record);
}

// The same loop in both places: load the bundle, then scoreRecord (explain) per applicant.
const loop = `
export async function run(createLoanLens, wasmBinary, bundleText, applicants) {
  const m = await createLoanLens(wasmBinary ? { wasmBinary } : {});
  const loaded = JSON.parse(m.loadBundle(bundleText));
  if (loaded.error) throw new Error(loaded.error);
  const ms = [];
  let options = 0;
  for (const a of applicants) {
    const t0 = performance.now();
    const out = JSON.parse(m.scoreRecord(loaded.handle, JSON.stringify(a), true));
    ms.push(performance.now() - t0);
    if (out.error) throw new Error(out.error);
    options += out.recourse.length;
  }
  return { ms, options };
}`;
await writeFile(join(work, 'loop.mjs'), loop);
await copyFile(join(wasmDir, 'loanlens.mjs'), join(work, 'loanlens.mjs'));
await copyFile(join(wasmDir, 'loanlens.wasm'), join(work, 'loanlens.wasm'));
await copyFile(bundlePath, join(work, 'bundle.json'));
await writeFile(join(work, 'applicants.json'), JSON.stringify(applicants));
// The page's script is a file: the server's Content-Security-Policy (the app's) allows no
// inline script.
await writeFile(join(work, 'main.mjs'), `import createLoanLens from './loanlens.mjs';
import { run } from './loop.mjs';
const [bundleText, applicants] = await Promise.all([fetch('bundle.json').then((r) => r.text()), fetch('applicants.json').then((r) => r.json())]);
window.__result = await run(createLoanLens, null, bundleText, applicants).catch((e) => ({ error: String(e) }));
`);
await writeFile(join(work, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="main.mjs"></script>');

const stats = ({ ms, options }) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const r3 = (x) => Math.round(x * 10) / 10;
  return { applicants: ms.length, recourse_options: options, mean_ms: r3(ms.reduce((s, x) => s + x, 0) / ms.length), median_ms: r3(q(0.5)), p95_ms: r3(q(0.95)), max_ms: r3(sorted[sorted.length - 1]) };
};

// Node: the same module and bytes.
const { default: createLoanLens } = await import(join(work, 'loanlens.mjs'));
const { run } = await import(join(work, 'loop.mjs'));
const node = stats(await run(createLoanLens, await readFile(join(work, 'loanlens.wasm')), await readFile(bundlePath, 'utf8'), applicants));

console.error('[bench-web-decision] node:', JSON.stringify(node));

// Chromium: the page above, served locally.
const chromium = await chromiumOn(work);
const page = await chromium.browser.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
await page.goto(chromium.url, { waitUntil: 'load' });
await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 10 * 60 * 1000 }).catch((e) => {
  throw new Error(`${e.message}; page errors: ${pageErrors.join(' | ')}`);
});
const browserResult = await page.evaluate(() => window.__result);
const chromiumVersion = chromium.browser.version();
await chromium.close();
await rm(work, { recursive: true, force: true });
if (browserResult.error) throw new Error(browserResult.error);
const chromiumStats = stats(browserResult);
const result = {
  model: { bundle: 'credit_risk_gbdt.json', kind: bundle.kind, trees: bundle.model.trees.length },
  call: 'scoreRecord(explain): reasons, price, limit, recourse',
  chromium: { ...chromiumStats, version: chromiumVersion },
  node: node,
  target_ms: 200,
  meets_target: chromiumStats.max_ms < 200,
};
const json = JSON.stringify(result, null, 2);
console.log(json);
if (jsonOut) await writeFile(jsonOut, json + '\n');
