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
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromiumOn, cli, option, repo } from './bench-web-lib.mjs';

const numRows = Number(option('--rows', 100000));
const jsonOut = option('--json-out', null);
const dist = join(repo, 'dist');
const work = join(tmpdir(), 'loanlens-bench-web');
const log = (...a) => console.error('[bench-web]', ...a);

// ---------------------------------------------------------------------------------------------
// Section "workers and scale" (npm run bench:web -- --workers-scale [--scale-rows N]
// [--gbdt-rows N] [--workers 1,2,4] [--models logistic,gbdt300] [--json-out FILE]): the Batch screen on 1, 2, 4 engine
// workers, with SHAP: a fast bundle (credit_risk_logistic) on --scale-rows rows (default
// 1,000,000) and the 300-tree gbdt on --gbdt-rows rows (default 30,000, a few minutes here).
// Per run: wall time upload -> table and charts shown, rows/s, the page's JS heap (CDP
// Runtime.getHeapUsage: usedSize, and usedSize + backingStorageSize where typed arrays live; peak
// sampled every 0.5 s and after a GC at the end), each worker's wasm memory (its peak) and heap
// with buffers (CDP, attached to the worker targets), and that the download has
// every row. Native `loanlens score --explain` (one thread) on the same file for reference.
if (process.argv.includes('--workers-scale')) {
  await workersScaleSection();
  process.exit(0);
}

async function workersScaleSection() {
  const scaleRows = Number(option('--scale-rows', 1000000));
  const gbdtRows = Number(option('--gbdt-rows', 30000));
  const workerCounts = option('--workers', '1,2,4').split(',').map(Number);
  if (!existsSync(cli)) throw new Error(`${cli} missing: build the native CLI (scripts/build)`);
  await mkdir(work, { recursive: true });
  const source = join(repo, 'models/data/credit_risk_dataset.csv');
  const lines = (await readFile(source, 'utf8')).split(/\r?\n/).filter((l) => l !== '');
  const makeFile = async (n) => {
    const path = join(work, `credit_risk_${n}.csv`);
    if (!existsSync(path) || (await stat(path)).mtimeMs < (await stat(source)).mtimeMs) {
      const out = [lines[0]];
      for (let i = 0; i < n; i++) out.push(lines[1 + (i % (lines.length - 1))]);
      await writeFile(path, out.join('\n') + '\n');
    }
    return path;
  };
  const gbdtPath = join(work, 'credit_risk_gbdt300.json');
  if (!existsSync(gbdtPath)) {
    log('training the 300-tree gbdt bundle with the CLI…');
    execFileSync(cli, ['train', '--data', source, '--target', 'loan_status', '--model', 'gbdt', '--param', 'n_trees=300', '--out', gbdtPath], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (!existsSync(join(dist, 'index.html'))) execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  const { url, browser, close } = await chromiumOn(dist);
  const cases = [
    { name: 'logistic', bundle: join(repo, 'models/credit_risk_logistic.json'), rows: scaleRows },
    { name: 'gbdt300', bundle: gbdtPath, rows: gbdtRows },
  ];
  const only = option('--models', 'logistic,gbdt300').split(',');
  const results = [];
  for (const c of cases.filter((x) => only.includes(x.name))) {
    const data = await makeFile(c.rows);
    const nativeOut = join(work, `native_${c.name}.csv`);
    const t0 = performance.now();
    execFileSync(cli, ['score', '--model', c.bundle, '--data', data, '--out', nativeOut, '--explain', '--threads', '1'], { stdio: ['ignore', 'ignore', 'ignore'] });
    const nativeSeconds = (performance.now() - t0) / 1000;
    const nativeBytes = (await stat(nativeOut)).size;
    log(`${c.name}: native ${nativeSeconds.toFixed(1)} s for ${c.rows} rows`);
    const runs = [];
    for (const workers of workerCounts) {
      const r = await browserRun(browser, url, c.bundle, data, workers);
      r.native_output_bytes = nativeBytes; // differs from download_bytes only by last digits where wasm and native libm differ
      log(`${c.name}: ${workers} worker(s) ${r.wall_seconds} s, ${r.rows_per_second} rows/s, page heap peak ${(r.page_js_heap_peak_bytes / 1e6).toFixed(1)} MB`);
      runs.push(r);
    }
    const one = runs.find((r) => r.workers === 1);
    for (const r of runs) r.speedup_over_one_worker = one ? round(one.wall_seconds / r.wall_seconds) : null;
    results.push({ model: c.name, rows: c.rows, native_one_thread: { seconds: round(nativeSeconds), rows_per_second: Math.round(c.rows / nativeSeconds) }, browser: runs });
  }
  const chromiumVersion = browser.version();
  await close();
  const json = JSON.stringify({ section: 'workers_and_scale', cores: (await import('node:os')).cpus().length, chromium: chromiumVersion, results }, null, 2);
  console.log(json);
  if (jsonOut) await writeFile(jsonOut, json + '\n');
}

/// One batch in a fresh page: load the bundle file, SHAP on, `workers` workers, upload, wait.
async function browserRun(browser, url, bundlePath, dataPath, workers) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  // Worker targets (one per engine worker): attached through the page's session, their heap
  // asked for with Target.sendMessageToTarget.
  const workerSessions = new Set();
  const replies = new Map();
  let nextId = 1;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') workerSessions.add(e.sessionId);
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    replies.get(m.id)?.(m.result);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false }).catch(() => undefined);
  const workerHeaps = async () =>
    Promise.all(
      [...workerSessions].map(
        (sessionId) =>
          new Promise((resolve) => {
            const id = nextId++;
            const timer = setTimeout(() => resolve(null), 2000);
            replies.set(id, (r) => {
              clearTimeout(timer);
              resolve(r ? (r.usedSize ?? 0) + (r.backingStorageSize ?? 0) : null);
            });
            cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) }).catch(() => resolve(null));
          }),
      ),
    );
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="1"]', { timeout: 60000 });
  await page.setInputFiles('[data-testid="bundle-file-input"]', bundlePath);
  await page.waitForSelector('body[data-loading]', { state: 'detached', timeout: 60000 }).catch(() => undefined);
  await page.waitForFunction(() => document.querySelector('[data-testid="model-select"]').value === '__user__', null, { timeout: 60000 });
  await page.click('#tab-batch');
  await page.check('#batch-explain');
  await page.selectOption('[data-testid="batch-workers"]', String(workers));
  let peak = 0;
  let peakWithBuffers = 0;
  let workerPeak = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const h = await cdp.send('Runtime.getHeapUsage');
      peak = Math.max(peak, h.usedSize);
      peakWithBuffers = Math.max(peakWithBuffers, h.usedSize + (h.backingStorageSize ?? 0));
      const w = await workerHeaps();
      w.forEach((x, i) => (workerPeak[i] = Math.max(workerPeak[i] ?? 0, x ?? 0)));
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const t0 = performance.now();
  await page.setInputFiles('[data-testid="batch-file-input"]', dataPath);
  await page.waitForSelector('#view-batch[data-done="1"]', { timeout: 60 * 60 * 1000 });
  const wall = (performance.now() - t0) / 1000;
  sampling = false;
  await sampler;
  const v = await page.$eval('#view-batch', (e) => ({ ...e.dataset }));
  const s = await page.$eval('[data-testid="batch-summary"]', (e) => ({ rows_in: +e.dataset.rowsIn, scored: +e.dataset.scored, rejected: +e.dataset.rejected }));
  await cdp.send('HeapProfiler.collectGarbage');
  const after = await cdp.send('Runtime.getHeapUsage');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="batch-download"]')]);
  const dl = join(work, 'browser_download.csv');
  await download.saveAs(dl);
  const dlText = await readFile(dl, 'utf8');
  let dlRows = -1;
  for (let i = 0; i < dlText.length; i++) if (dlText.charCodeAt(i) === 10) dlRows++;
  await context.close();
  return {
    workers,
    slices: Number(v.slices),
    wall_seconds: round(wall),
    rows_per_second: Math.round(s.rows_in / wall),
    engine_seconds_summed_over_workers: round(Number(v.engineSeconds)),
    summary: s,
    download_rows: dlRows,
    download_bytes: Buffer.byteLength(dlText),
    page_js_heap_peak_bytes: peak,
    page_js_heap_after_gc_bytes: after.usedSize,
    // JS heap plus ArrayBuffer backing stores (the typed columns live there), peak and after GC.
    page_heap_with_array_buffers_peak_bytes: peakWithBuffers,
    page_heap_with_array_buffers_after_gc_bytes: after.usedSize + (after.backingStorageSize ?? 0),
    store_column_bytes: Number(v.storeBytes),
    worker_wasm_heap_bytes: v.wasmHeaps.split(',').map(Number),
    // Per worker target: JS heap plus ArrayBuffer backing stores (the wasm memory is one), peak.
    worker_heap_with_buffers_peak_bytes: workerPeak.length ? workerPeak : null,
  };
}

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
const r = spawnSync(cli, ['score', '--model', bundlePath, '--data', bigPath, '--out', nativeOut, '--explain', '--threads', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
const nativeSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
if (r.status !== 0) throw new Error(`native score failed: ${r.stderr}`);
const nativeRows = (await readFile(nativeOut, 'utf8')).split('\n').filter((l) => l !== '').length - 1;
log(`native: ${nativeSeconds.toFixed(2)} s for ${nativeRows} rows`);

// 4. Browser: the built app.
if (!existsSync(join(dist, 'index.html'))) {
  log('dist/ missing: building the app (npm run build)…');
  execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
}
const site = await chromiumOn(dist);
const browser = site.browser;
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
