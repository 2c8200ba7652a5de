#!/usr/bin/env node
// Browser vs native batch scoring with SHAP (npm run bench:web [-- --rows N] [--json-out FILE]).
//
// 1. Builds an N-row CSV (default 100,000) by repeating the rows of models/data/credit_risk_dataset.csv.
// 2. Trains (or reuses, cached in $TMPDIR/loanlens-bench-web) a 300-tree gbdt bundle with the CLI.
// 3. Times native `loanlens score --explain` on the file.
// 4. Times the same file in headless Chromium through the built app (dist/, served locally): upload
//    to the Batch screen with SHAP on, wait until the table and charts are shown. Reported: the wall
//    time from upload to done, the app's own batch time (worker round trip incl. file reads and
//    progress messages), and the time inside the engine (batchFeed/batchFinish, measured in the worker).
// 5. Memory: the worker's wasm heap at the end (HEAP8.length; it only grows, so this is the peak) and
//    the page's JS heap from CDP Performance.getMetrics. Download size: every response the page
//    received at startup (until the first model is loaded and scored), each body gzipped with zlib.
// Prints one JSON object; --json-out FILE also writes it there. Single-threaded on both sides.
import { chromium } from 'playwright-core';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { serve } from '../tests/e2e/server.mjs';

const repo = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const numRows = Number(opt('--rows', 100000));
const jsonOut = opt('--json-out', null);
const cli = process.env.LOANLENS ?? join(repo, 'build/native/loanlens');
const chromiumPath = process.env.CHROMIUM ?? '/usr/lib/chromium/chromium';
const dist = join(repo, 'dist');
const work = join(tmpdir(), 'loanlens-bench-web');
const log = (...a) => console.error('[bench-web]', ...a);

if (!existsSync(cli)) throw new Error(`${cli} missing: build the native CLI (scripts/build)`);
await mkdir(work, { recursive: true });

// 1. The N-row file: the dataset's rows repeated (quote-free file, so lines are records).
const source = join(repo, 'models/data/credit_risk_dataset.csv');
const text = await readFile(source, 'utf8');
const lines = text.split(/\r?\n/).filter((l) => l !== '');
const header = lines[0];
const body = lines.slice(1);
const bigPath = join(work, `credit_risk_${numRows}.csv`);
const out = [header];
for (let i = 0; i < numRows; i++) out.push(body[i % body.length]);
await writeFile(bigPath, out.join('\n') + '\n');
const bigBytes = (await stat(bigPath)).size;
log(`${numRows} rows, ${(bigBytes / 1e6).toFixed(1)} MB: ${bigPath}`);

// 2. The 300-tree gbdt bundle (reused when present and made from the same data).
const bundlePath = join(work, 'credit_risk_gbdt300.json');
let reused = false;
if (existsSync(bundlePath)) {
  const b = JSON.parse(await readFile(bundlePath, 'utf8'));
  reused = b.kind === 'gbdt' && b.model?.trees?.length === 300 && b.training?.data_file === 'credit_risk_dataset.csv';
}
if (!reused) {
  log('training the 300-tree gbdt bundle with the CLI…');
  execFileSync(cli, ['train', '--data', source, '--target', 'loan_status', '--model', 'gbdt', '--param', 'n_trees=300', '--out', bundlePath], { stdio: ['ignore', 'ignore', 'inherit'] });
}
const bundleText = await readFile(bundlePath, 'utf8');
const bundle = JSON.parse(bundleText);
if (bundle.model.trees.length !== 300) throw new Error(`bundle has ${bundle.model.trees.length} trees, expected 300`);

// 3. Native: wall time of the whole CLI run (read, parse, score, SHAP, write).
const nativeOut = join(work, 'native_scored.csv');
const t0 = process.hrtime.bigint();
const r = spawnSync(cli, ['score', '--model', bundlePath, '--data', bigPath, '--out', nativeOut, '--explain'], { stdio: ['ignore', 'ignore', 'pipe'] });
const nativeSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
if (r.status !== 0) throw new Error(`native score failed: ${r.stderr}`);
const nativeRows = (await readFile(nativeOut, 'utf8')).split('\n').filter((l) => l !== '').length - 1;
log(`native: ${nativeSeconds.toFixed(2)} s for ${nativeRows} rows`);

// 4. Browser: the built app.
if (!existsSync(join(dist, 'index.html'))) {
  log('dist/ missing: building the app (npm run build)…');
  execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
}
const site = await serve(dist);
const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--disable-gpu', '--disable-dev-shm-usage'] });
const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('Performance.enable');

// Startup downloads: every response until the app is ready and the first model scored.
const startup = [];
let counting = true;
const bodies = [];
const onResponse = (res) => {
  if (!counting) return;
  bodies.push(
    res.body().then(
      (buf) => startup.push({ path: new URL(res.url()).pathname.replace(/^\/app\//, '') || 'index.html', bytes: buf.length, gzip_bytes: gzipSync(buf, { level: 9 }).length }),
      () => undefined,
    ),
  );
};
page.on('response', onResponse);
context.on('response', onResponse); // worker requests (the .wasm) come through the context too
const seen = new Set();
const tLoad = performance.now();
await page.goto(site.url, { waitUntil: 'load' });
await page.waitForSelector('body[data-ready="1"]', { timeout: 60000 });
await page.waitForSelector('[data-testid="result-pd"][data-pd]', { timeout: 60000 });
const startupSeconds = (performance.now() - tLoad) / 1000;
counting = false;
await Promise.all(bodies);
const downloads = startup.filter((x) => (seen.has(x.path) ? false : seen.add(x.path)));

// Load the benchmark bundle through the app's "Open a bundle file" control.
await page.setInputFiles('[data-testid="bundle-file-input"]', bundlePath);
await page.waitForSelector('body[data-model="credit_risk_gbdt300.json"]', { timeout: 60000 });
await page.click('#tab-batch');
await page.check('#batch-explain');

const tUpload = performance.now();
await page.setInputFiles('[data-testid="batch-file-input"]', bigPath);
await page.waitForSelector('#view-batch[data-done="1"]', { timeout: 30 * 60 * 1000 });
const browserWallSeconds = (performance.now() - tUpload) / 1000;
const stats = await page.$eval('#view-batch', (el) => ({
  seconds: Number(el.dataset.seconds),
  engineSeconds: Number(el.dataset.engineSeconds),
  wasmHeapBytes: Number(el.dataset.wasmHeapBytes),
}));
const summary = await page.$eval('[data-testid="batch-summary"]', (e) => ({ rows_in: +e.dataset.rowsIn, scored: +e.dataset.scored, rejected: +e.dataset.rejected }));
const chromiumVersion = browser.version();
const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
await browser.close();
await site.close();
if (summary.scored !== nativeRows) throw new Error(`browser scored ${summary.scored} rows, native ${nativeRows}`);

const sum = (k) => downloads.reduce((s, x) => s + x[k], 0);
const result = {
  rows: numRows,
  file_bytes: bigBytes,
  model: { kind: 'gbdt', trees: bundle.model.trees.length, features: bundle.schema.columns.filter((c) => c.role === 'feature').length, explain: 'tree_shap', bundle_reused: reused },
  native: { seconds: round(nativeSeconds), rows_per_second: Math.round(nativeRows / nativeSeconds) },
  browser: {
    wall_seconds: round(browserWallSeconds), // upload -> table and charts shown
    batch_seconds: round(stats.seconds), // the app's batch request: worker round trip incl. file slices and progress messages
    engine_seconds: round(stats.engineSeconds), // inside the wasm engine only
    ui_overhead_seconds: round(browserWallSeconds - stats.engineSeconds),
    rows_per_second: Math.round(summary.scored / browserWallSeconds),
  },
  ratio: {
    browser_wall_over_native: round(browserWallSeconds / nativeSeconds),
    browser_engine_over_native: round(stats.engineSeconds / nativeSeconds),
    target: 2,
    meets_target: browserWallSeconds <= 2 * nativeSeconds,
  },
  memory: {
    wasm_heap_bytes: stats.wasmHeapBytes, // worker's wasm memory at the end = its peak
    page_js_heap_used_bytes: metrics.JSHeapUsedSize,
    page_js_heap_total_bytes: metrics.JSHeapTotalSize,
  },
  startup: {
    seconds: round(startupSeconds),
    requests: downloads.length,
    bytes: sum('bytes'),
    gzip_bytes: sum('gzip_bytes'),
    files: downloads.sort((a, b) => b.gzip_bytes - a.gzip_bytes),
  },
  summary,
  chromium: chromiumVersion,
};
function round(x) {
  return Math.round(x * 1000) / 1000;
}
const json = JSON.stringify(result, null, 2);
console.log(json);
if (jsonOut) await writeFile(jsonOut, json + '\n');
