// Browser test of the built app (dist/) in headless Chromium (Debian's, via playwright-core):
// load, pick a model, fill the form, score, check the waterfall paints; upload a CSV with
// malformed rows and check counts, table, rejected list and the download against the native CLI;
// open the model screen. Every request is intercepted: any to another origin fails the test.
// Screenshots go to tests/e2e/out/.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFile, execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';
import { parseCsv } from '../node/helpers.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(repo, 'dist');
const out = join(repo, 'tests/e2e/out');
const chromiumPath = process.env.CHROMIUM ?? '/usr/lib/chromium/chromium';
const cli = process.env.LOANLENS ?? join(repo, 'build/native/loanlens');

assert.ok(existsSync(join(dist, 'index.html')), 'dist/ missing: run `npm run build` first');
await mkdir(out, { recursive: true });
const work = await mkdtemp(join(tmpdir(), 'loanlens-e2e-'));
const site = await serve(dist);
const origin = new URL(site.url).origin;
const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--disable-gpu', '--disable-dev-shm-usage'] });
const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true, deviceScaleFactor: 1 });

const offsite = [];
const requested = [];
const problems = [];
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (new URL(url).origin !== origin) {
    offsite.push(url);
    return route.abort('blockedbyclient');
  }
  requested.push(url);
  return route.continue();
});

const page = await context.newPage();
// Cumulative layout shift (shifts not caused by recent input), to check "no layout jumps".
await page.addInitScript(() => {
  window.__cls = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
  }).observe({ type: 'layout-shift', buffered: true });
});
page.on('console', (m) => {
  if (m.type() === 'error' || /Content Security Policy|Refused to/.test(m.text())) problems.push(`[console.${m.type()}] ${m.text()}`);
});
page.on('pageerror', (e) => problems.push(`[pageerror] ${e.message}`));
page.on('worker', (w) => requested.push(`worker:${w.url()}`));

/// The Batch table reads the rows it shows from the stored lines asynchronously: wait for it.
const tableIdle = () => page.waitForSelector('[data-testid="batch-results"]:not([data-busy])', { state: 'attached', timeout: 60000 });
const step = async (name, fn) => {
  const t0 = Date.now();
  await fn();
  console.log(`ok - ${name} (${Date.now() - t0} ms)`);
};

/// Counts the painted (non-transparent) pixels of the first canvas under `selector`.
async function painted(selector) {
  return page.$eval(`${selector} canvas`, (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
    return { n, w: c.width, h: c.height };
  });
}

/// The form's current values, as the record the CLI's `explain --row` takes.
async function formRecord() {
  const record = {};
  for (const el of await page.locator('[data-testid="applicant-form"]').locator('input, select').all()) {
    const n = await el.getAttribute('name');
    if (n && !n.startsWith('__')) record[n] = await el.inputValue();
  }
  return record;
}

function cliExplain(bundlePath, record) {
  return JSON.parse(execFileSync(cli, ['explain', '--model', bundlePath, '--row', JSON.stringify(record)], { encoding: 'utf8' }));
}

/// The result card shows the CLI's decision: band, points, reasons (codes, texts, points), rules.
async function checkDecision(cliOut, label) {
  assert.equal(await page.getAttribute('[data-testid="result-band"]', 'data-band'), cliOut.band, `${label}: band`);
  assert.ok(Math.abs(Number(await page.getAttribute('[data-testid="result-points"]', 'data-points')) - cliOut.points) <= 1e-9, `${label}: points`);
  const want = (cliOut.band === 'approve' ? cliOut.factors : cliOut.reasons) ?? [];
  const got = await page.$$eval('[data-testid="result-reasons"] li[data-code]', (lis) => lis.map((li) => ({ code: li.dataset.code, text: li.querySelector('.reason-text').textContent, points: li.querySelector('.contrib').textContent })));
  assert.deepEqual(got.map((r) => [r.code, r.text]), want.map((r) => [r.code, r.text]), `${label}: reasons`);
  for (let i = 0; i < want.length; i++) {
    const r = Math.round(want[i].points);
    assert.equal(got[i].points, `${r > 0 ? '+' : r < 0 ? '−' : ''}${Math.abs(r)} points`, `${label}: reason points`);
  }
  const rules = await page.$$eval('[data-testid="result-rules"] li', (lis) => lis.map((li) => li.dataset.rule));
  assert.deepEqual(rules, (cliOut.rules ?? []).map((r) => r.id), `${label}: rules`);
  const officer = await page.textContent('[data-testid="result-card"] .decision-row') + (await page.textContent('[data-testid="result-reasons"]'));
  assert.doesNotMatch(officer, /log-odds|odds of default x/, `${label}: odds in the officer's view`);
}

let failed = false;
try {
  await step('page loads under a subpath, engine starts, first model loads', async () => {
    await page.goto(site.url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
    await page.waitForSelector('body[data-engine]', { state: 'attached' });
    const options = await page.$$eval('[data-testid="model-select"] option', (os) => os.map((o) => o.value));
    assert.ok(options.length >= 1, 'no models listed');
    await page.waitForSelector('[data-testid="result-pd"][data-pd]', { timeout: 20000 });
    const cls = await page.evaluate(() => window.__cls);
    console.log(`   cumulative layout shift during load and first score: ${cls.toFixed(4)}`);
    assert.ok(cls < 0.1, `layout jumps while loading: CLS ${cls}`);
  });

  let model;
  await step('pick a model from the picker', async () => {
    const options = await page.$$eval('[data-testid="model-select"] option', (os) => os.map((o) => ({ value: o.value, text: o.textContent })));
    const wanted = options.find((o) => o.value.includes('german_credit')) ?? options[options.length - 1];
    await page.selectOption('[data-testid="model-select"]', wanted.value);
    model = wanted.value.replace(/^models\//, '').replace(/\.json$/, '');
    await page.waitForSelector(`body[data-model="${model}"]`, { timeout: 20000 });
    await page.waitForSelector('[data-testid="result-pd"][data-pd]', { timeout: 20000 });
  });
  const bundle = JSON.parse(await readFile(join(repo, 'models', `${model}.json`), 'utf8'));

  await step('fill the form, flag out-of-range input, score, waterfall paints', async () => {
    const form = page.locator('[data-testid="applicant-form"]');
    await page.uncheck('#whatif');
    const numeric = form.locator('input[type="number"]');
    assert.ok((await numeric.count()) > 0, 'no numeric inputs');
    const first = numeric.first();
    const name = await first.getAttribute('name');
    const feature = bundle.schema.columns.find((c) => c.name === name);
    await first.fill(String(feature.max * 3 + 10));
    const flag = form.locator(`#${await first.getAttribute('id')}-flag`);
    await flag.waitFor({ state: 'visible' });
    assert.match(await flag.textContent(), /Above the training range/);
    await first.fill(String(feature.max));
    assert.equal(await flag.isVisible(), false);
    const selects = form.locator('select');
    if ((await selects.count()) > 0) await selects.first().selectOption({ index: 1 });
    const before = Number((await page.getAttribute('#view-applicant', 'data-scored')) ?? 0);
    await page.click('[data-testid="score-button"]');
    await page.waitForFunction((n) => Number(document.getElementById('view-applicant').dataset.scored ?? 0) > n, before);
    const pdText = await page.textContent('[data-testid="result-pd"]');
    assert.match(pdText, /^\d{1,3}\.\d{2}%$/, `result-pd '${pdText}'`);
    const pd = Number(await page.getAttribute('[data-testid="result-pd"]', 'data-pd'));
    assert.ok(Math.abs(Number(pdText.replace('%', '')) / 100 - pd) < 5e-5);
    const px = await painted('[data-testid="waterfall-chart"]');
    assert.ok(px.n > 5000, `waterfall looks empty: ${JSON.stringify(px)}`);
    // Same applicant through the native CLI: the same decision (PD, band, points, reasons, rules).
    const cliOut = cliExplain(join(repo, 'models', `${model}.json`), await formRecord());
    assert.ok(Math.abs(cliOut.pd - pd) <= 1e-12, `browser pd ${pd} vs CLI ${cliOut.pd}`);
    await checkDecision(cliOut, model);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(out, 'applicant.png'), fullPage: true });
    await page.locator('[data-testid="waterfall-chart"]').screenshot({ path: join(out, 'waterfall.png') });
  });

  await step('what-if mode: a change re-scores at once and the waterfall moves', async () => {
    await page.check('#whatif');
    const pd0 = await page.getAttribute('[data-testid="result-pd"]', 'data-pd');
    const form = page.locator('[data-testid="applicant-form"]');
    const input = form.locator('input[type="number"]').first();
    const name = await input.getAttribute('name');
    const feature = bundle.schema.columns.find((c) => c.name === name);
    await input.fill(String(feature.min));
    await page.waitForFunction((v) => document.querySelector('[data-testid="result-pd"]').dataset.pd !== v, pd0, { timeout: 10000 });
    const delta = await page.textContent('[data-testid="whatif-line"]');
    assert.match(delta, /percentage points since the last score/);
    // A change that does not move the PD: the line says so (it never keeps an old delta).
    const n0 = Number(await page.getAttribute('#view-applicant', 'data-scored'));
    await input.fill(String(feature.min));
    await input.dispatchEvent('change');
    await page.waitForFunction((n) => Number(document.getElementById('view-applicant').dataset.scored) > n, n0);
    assert.match(await page.textContent('[data-testid="whatif-line"]'), /unchanged/);
  });

  await step('decision record: the receipt downloads, parses and carries the shown decision', async () => {
    await page.fill('[data-testid="applicant-reference"]', 'APP-2026-0042');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="receipt-download"]')]);
    const path = join(work, 'receipt.json');
    await download.saveAs(path);
    const receipt = JSON.parse(await readFile(path, 'utf8'));
    assert.equal(receipt.format, 'loanlens-decision-record');
    assert.equal(receipt.applicant_reference, 'APP-2026-0042');
    assert.equal(receipt.bundle.content_sha256, bundle.content_sha256);
    assert.equal(receipt.bundle.name, model);
    assert.match(receipt.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(receipt.decision.band, await page.getAttribute('[data-testid="result-band"]', 'data-band'));
    assert.equal(receipt.decision.pd, Number(await page.getAttribute('[data-testid="result-pd"]', 'data-pd')));
    const cliOut = cliExplain(join(repo, 'models', `${model}.json`), await formRecord());
    assert.deepEqual(receipt.decision.reasons, cliOut.reasons);
    assert.deepEqual(receipt.decision.inputs, cliOut.inputs);
    console.log(`   receipt: ${download.suggestedFilename()}, band ${receipt.decision.band}, ${receipt.decision.reasons.length} reasons`);
  });

  await step('a declined applicant: reasons and rules in the card, recourse applied re-scores to its band', async () => {
    await page.uncheck('#whatif');
    const set = async (name, value) => {
      const el = page.locator(`[data-testid="applicant-form"] [name="${name}"]`);
      if ((await el.count()) === 0) return;
      if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption({ index: 1 });
      else await el.fill(String(value));
    };
    const numeric = bundle.schema.columns.filter((c) => c.role === 'feature' && c.type === 'numeric');
    for (const c of numeric.slice(0, 3)) await set(c.name, c.max);
    const n0 = Number(await page.getAttribute('#view-applicant', 'data-scored'));
    await page.click('[data-testid="score-button"]');
    await page.waitForFunction((n) => Number(document.getElementById('view-applicant').dataset.scored) > n, n0);
    let cliOut = cliExplain(join(repo, 'models', `${model}.json`), await formRecord());
    await checkDecision(cliOut, `${model} (declined case)`);
    const buttons = page.locator('[data-testid^="recourse-apply-"]');
    // No way to approval from the maxima: milder applicants until the engine offers recourse.
    let tries = 0;
    while (!(cliOut.band !== 'approve' && cliOut.recourse?.length > 0) && tries < 6) {
      const f = [0.8, 0.6, 0.4][tries % 3];
      await page.click('text=Reset to typical values');
      for (const c of numeric.slice(0, tries < 3 ? 2 : 1)) await set(c.name, Math.round(c.min + f * (c.max - c.min)));
      const n = Number(await page.getAttribute('#view-applicant', 'data-scored'));
      await page.click('[data-testid="score-button"]');
      await page.waitForFunction((k) => Number(document.getElementById('view-applicant').dataset.scored) > k, n);
      cliOut = cliExplain(join(repo, 'models', `${model}.json`), await formRecord());
      await checkDecision(cliOut, `${model} (recourse case ${tries})`);
      tries++;
    }
    if (cliOut.band !== 'approve' && Array.isArray(cliOut.recourse) && cliOut.recourse.length > 0) {
      assert.equal(await buttons.count(), cliOut.recourse.length);
      const want = await page.locator('.recourse-list li').first().getAttribute('data-band');
      const n1 = Number(await page.getAttribute('#view-applicant', 'data-scored'));
      await buttons.first().click();
      await page.waitForFunction((n) => Number(document.getElementById('view-applicant').dataset.scored) > n, n1);
      assert.equal(await page.getAttribute('[data-testid="result-band"]', 'data-band'), want, 'applying a recourse option did not give its band');
      console.log(`   recourse: ${cliOut.recourse.length} option(s); applying the first gave ${want}`);
    } else console.log(`   band ${cliOut.band}; the engine returned no recourse options (${cliOut.recourse === undefined ? 'not in this engine yet' : 'none'})`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(out, 'applicant-declined.png'), fullPage: true });
    await page.check('#whatif');
  });

  await step('phone (390 px): the decision comes before the form; print: the card alone on one page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    const y = async (sel) => page.$eval(sel, (e) => e.getBoundingClientRect().top + window.scrollY);
    assert.ok((await y('[data-testid="result-card"]')) < (await y('[data-testid="applicant-form"]')), 'on a phone the form comes before the decision');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(out, 'phone-applicant.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) {
      const wide = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map((e) => `${e.tagName}.${e.className}`));
      console.log(`   wider than the phone: ${wide.join(', ')}`);
    }
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px on a phone`);
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.emulateMedia({ media: 'print' });
    await page.waitForTimeout(200);
    for (const sel of ['.topbar', '.tabs', '[data-testid="applicant-form"]', '[data-testid="receipt-download"]', '[data-testid="print-button"]'])
      assert.equal(await page.isVisible(sel), false, `${sel} is printed`);
    assert.equal(await page.isVisible('[data-testid="print-head"]'), true);
    // Printing opens the technical detail (inputs as given and as used): the longest print.
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    assert.equal(await page.isVisible('[data-testid="inputs-table"]'), true);
    await page.screenshot({ path: join(out, 'print-applicant.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4' }); // under print media (emulated 'screen' would print the screen)
    await page.emulateMedia({ media: 'screen' });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    console.log(`   printed decision: ${pages} A4 page(s)`);
    assert.equal(pages, 1, `the printed decision takes ${pages} pages`);
  });

  // A batch: the model's own dataset, first 300 rows, plus malformed rows and a formula cell.
  const dataText = await readFile(join(repo, 'models/data', bundle.training.data_file), 'utf8');
  const lines = dataText.split('\n').filter((l) => l !== '');
  const header = parseCsv(lines[0] + '\n')[0];
  const body = lines.slice(1, 301);
  const cells = parseCsv(body[0] + '\n')[0];
  const quote = (c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  const numericFeature = bundle.schema.columns.find((c) => c.role === 'feature' && c.type === 'numeric');
  const categoricalFeature = bundle.schema.columns.find((c) => c.role === 'feature' && c.type === 'categorical');
  const badNumber = [...cells];
  badNumber[header.indexOf(numericFeature.name)] = 'not-a-number';
  const formula = [...cells];
  if (categoricalFeature) formula[header.indexOf(categoricalFeature.name)] = '=HYPERLINK("http://evil.example","x")';
  const injected = [
    badNumber.map(quote).join(','),
    cells.slice(0, -2).map(quote).join(','), // too few fields
    formula.map(quote).join(','),
    [...cells, 'extra'].map(quote).join(','), // too many fields
  ];
  const upload = [lines[0], ...body.slice(0, 100), injected[0], ...body.slice(100, 200), injected[1], injected[2], ...body.slice(200), injected[3]].join('\n') + '\n';
  const uploadPath = join(work, 'applicants.csv');
  await writeFile(uploadPath, upload);
  const cliPath = join(work, 'cli.csv');
  const cliErr = execFileSync(cli, ['score', '--model', join(repo, 'models', `${model}.json`), '--data', uploadPath, '--out', cliPath, '--explain'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  void cliErr;
  const cliRows = parseCsv(await readFile(cliPath, 'utf8'));
  const cliHeader = cliRows.shift();

  await step('batch: upload, progress, counts, rejected list, sortable paginated table', async () => {
    await page.click('#tab-batch');
    await page.setInputFiles('[data-testid="batch-file-input"]', uploadPath);
    await page.waitForSelector('#view-batch[data-done="1"]', { timeout: 60000 });
    const s = await page.$eval('[data-testid="batch-summary"]', (e) => ({ rowsIn: +e.dataset.rowsIn, scored: +e.dataset.scored, rejected: +e.dataset.rejected }));
    assert.equal(s.rowsIn, 304);
    assert.equal(s.scored + s.rejected, s.rowsIn);
    assert.equal(s.scored, cliRows.length, 'browser and CLI scored different numbers of rows');
    assert.ok(s.rejected >= 3, `only ${s.rejected} rejected`);
    assert.equal(await page.getAttribute('[data-testid="batch-progress"]', 'value'), '1');
    // The worker reports its time inside the engine and the wasm memory size.
    const st = await page.$eval('#view-batch', (e) => ({ seconds: +e.dataset.seconds, engine: +e.dataset.engineSeconds, heap: +e.dataset.wasmHeapBytes }));
    assert.ok(st.engine > 0 && st.engine <= st.seconds, `engine ${st.engine} s of ${st.seconds} s`);
    assert.ok(st.heap >= 16 * 1024 * 1024, `wasm heap ${st.heap}`);
    const rejectedRows = await page.$$eval('[data-testid="batch-rejected"] tbody tr', (trs) => trs.map((tr) => [Number(tr.cells[0].textContent), tr.cells[1].textContent]));
    assert.equal(rejectedRows.length, s.rejected);
    const badRow = rejectedRows.find(([row]) => row === 102);
    assert.ok(badRow && badRow[1].includes(numericFeature.name) && badRow[1].includes('not-a-number'), `row 102: ${badRow}`);
    assert.ok(rejectedRows.some(([row, why]) => row === 203 && /fields/.test(why)), 'short row 203 not rejected');
    // Table: 25 rows per page; sorting by pd puts the highest PD first.
    const table = page.locator('[data-testid="batch-results"] table');
    assert.equal(await table.locator('tbody tr').count(), 25);
    await table.locator('th button', { hasText: /^pd/ }).click();
    await tableIdle();
    const pds = await table.locator('tbody td[data-col="pd"]').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('title'))));
    for (let i = 1; i < pds.length; i++) assert.ok(pds[i - 1] >= pds[i], 'not sorted by pd (descending)');
    const maxPd = Math.max(...cliRows.map((r) => Number(r[cliHeader.indexOf('pd')])));
    assert.ok(Math.abs(pds[0] - maxPd) <= 1e-12, 'top row is not the highest PD');
    await page.click('[data-testid="batch-results"] .pager button:has-text("Next")');
    await tableIdle();
    assert.match(await page.textContent('[data-testid="batch-page"]'), /page 2 of/);
    for (const id of ['batch-pd-chart', 'batch-band-chart', 'batch-shap-chart', 'batch-summary-chart']) {
      const px = await painted(`[data-testid="${id}"]`);
      assert.ok(px.n > 3000, `${id} looks empty`);
    }
    // Decision columns in the table: reasons, rules and price, as `score` writes them.
    const cols = await table.locator('thead th button').allTextContents();
    for (const c of ['band', 'reason_1', 'reason_4', 'rules', 'rate', 'expected_loss']) assert.ok(cols.some((x) => x.startsWith(c)), `no ${c} column: ${cols}`);
    const firstReason = await table.locator('tbody td[data-col="reason_1"]').first().textContent();
    // The CLI's output rows are the input rows without the rejected ones (102, 203, 305).
    const cliRowOf = (row) => cliRows[row - 2 - [102, 203, 305].filter((r) => r < row).length];
    const pdRow = Number(await table.locator('tbody tr').first().getAttribute('data-row'));
    assert.equal(firstReason, cliRowOf(pdRow)[cliHeader.indexOf('reason_1')], `row ${pdRow}: reason_1 differs from the CLI`);
    // Filter by band: only that band's rows, as many as the CLI gives.
    const bandCol = cliHeader.indexOf('band');
    for (const band of ['decline', 'approve']) {
      await page.selectOption('[data-testid="batch-band-filter"]', band);
      await tableIdle();
      const want = cliRows.filter((r) => r[bandCol] === band).length;
      assert.match(await page.textContent('[data-testid="batch-page"]'), new RegExp(`of ${want.toLocaleString('en-US')} ·`), `${band}: ${want} rows expected`);
      const bands = await table.locator('tbody td[data-col="band"]').allTextContents();
      assert.ok(bands.every((b) => b === band), `${band} filter shows ${bands}`);
    }
    await page.screenshot({ path: join(out, 'batch.png'), fullPage: true });
    // A row opens in the Applicant screen: the form holds its values and the decision is the CLI's.
    const rowNumber = Number(await table.locator('tbody tr').first().getAttribute('data-row'));
    const n0 = Number((await page.getAttribute('#view-applicant', 'data-scored')) ?? 0);
    await table.locator('tbody tr').first().locator('[data-testid="batch-open-row"]').click();
    await page.waitForFunction((n) => Number(document.getElementById('view-applicant').dataset.scored ?? 0) > n, n0);
    assert.equal(await page.getAttribute('#tab-applicant', 'aria-selected'), 'true');
    assert.equal(await page.inputValue('[data-testid="applicant-reference"]'), `row ${rowNumber}`);
    const opened = cliRowOf(rowNumber);
    assert.equal(await page.getAttribute('[data-testid="result-band"]', 'data-band'), opened[bandCol]);
    assert.ok(Math.abs(Number(await page.getAttribute('[data-testid="result-pd"]', 'data-pd')) - Number(opened[cliHeader.indexOf('pd')])) <= 1e-12);
    await page.click('#tab-batch');
    await page.selectOption('[data-testid="batch-band-filter"]', '');
    await tableIdle();
  });

  await step('batch download: CLI columns, CLI values, spreadsheet-safe cells', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="batch-download"]')]);
    const path = join(work, 'download.csv');
    await download.saveAs(path);
    const rows = parseCsv(await readFile(path, 'utf8'));
    const head = rows.shift();
    assert.deepEqual(head, cliHeader, 'download columns differ from `loanlens score --explain`');
    assert.equal(rows.length, cliRows.length);
    // The page's download and `loanlens score` write through the engine's one rule
    // (data/csv_safe.h): the same cells, byte for byte, and no cell a spreadsheet would evaluate.
    let neutralised = 0;
    for (let r = 0; r < rows.length; r++) {
      for (let c = 0; c < head.length; c++) {
        const got = rows[r][c];
        const want = cliRows[r][c];
        assert.ok(!/^[=+\-@\t\r]/.test(got) || Number.isFinite(Number(got)), `dangerous cell '${got}'`);
        assert.equal(got, want, `row ${r + 2}, ${head[c]}: '${got}' vs CLI '${want}'`);
        if (got.startsWith("'")) neutralised++;
      }
    }
    if (categoricalFeature) {
      assert.ok(rows.some((r) => r.includes(`'=HYPERLINK("http://evil.example","x")`)), 'the formula cell is not neutralised');
      assert.ok(neutralised >= 1);
    }
    const hasNegative = rows.some((r) => r.some((c) => /^-\d/.test(c)));
    assert.ok(hasNegative, 'negative numbers should stay numbers (unquoted, no prefix)');
    console.log(`   download: ${rows.length} rows x ${head.length} columns, ${neutralised} cell(s) neutralised`);
  });

  await step('batch review: back-test, monitoring and fairness panels show the CLI numbers', async () => {
    await page.waitForSelector('.review-panels[data-review-done="1"]', { timeout: 60000 });
    const bundlePath = join(repo, 'models', `${model}.json`);
    const runJson = (...args) => JSON.parse(execFileSync(cli, [...args, '--model', bundlePath, '--data', uploadPath, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const close = (a, b, what) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: page ${a} vs CLI ${b}`);
    const values = (sel, key) => page.$$eval(`${sel} [data-key="${key}"]`, (els) => els.map((e) => Number(e.dataset.value)));
    // Back-test = loanlens evaluate.
    const ev = runJson('evaluate');
    assert.equal(await page.isVisible('[data-testid="batch-backtest"]'), true);
    close(Number(await page.getAttribute('[data-testid="batch-backtest"]', 'data-auc')), ev.auc, 'AUC');
    assert.deepEqual(await values('[data-testid="backtest-bands"]', 'count'), ev.band_table.map((b) => b.count));
    assert.deepEqual(await values('[data-testid="backtest-cutoffs"]', 'tp'), ev.confusion_at_cutoffs.map((c) => c.tp));
    const ivText = await page.textContent('[data-testid="backtest-metrics"] tbody tr:first-child td:nth-child(2)');
    assert.ok(ivText.includes(`[${ev.intervals.auc.lower.toFixed(3)}, ${ev.intervals.auc.upper.toFixed(3)}]`), `AUC interval ${ivText} vs CLI ${JSON.stringify(ev.intervals.auc)}`);
    // Monitoring = loanlens monitor.
    const mon = runJson('monitor');
    close(Number(await page.getAttribute('[data-testid="batch-monitoring"]', 'data-score-psi')), mon.score.psi, 'score PSI');
    const pagePsi = (await values('[data-testid="monitor-features"]', 'psi')).sort((a, b) => a - b);
    const cliPsi = Object.values(mon.features).map((f) => f.psi).sort((a, b) => a - b);
    assert.equal(pagePsi.length, cliPsi.length);
    pagePsi.forEach((v, i) => close(v, cliPsi[i], 'feature PSI'));
    // Fairness = loanlens fairness on the attribute the page picked.
    const attribute = await page.inputValue('[data-testid="fairness-attribute"]');
    assert.ok(attribute, 'no fairness attribute offered');
    const fair = runJson('fairness', '--attribute', attribute);
    assert.deepEqual(await values('[data-testid="fairness-groups"]', 'count'), fair.groups.map((g) => g.count));
    const air = await values('[data-testid="fairness-groups"]', 'adverse_impact_ratio');
    air.forEach((v, i) => close(v, fair.groups[i].adverse_impact_ratio, `AIR ${fair.groups[i].group}`));
    for (const id of ['fairness-approval-chart', 'fairness-air-chart']) assert.ok((await painted(`[data-testid="${id}"]`)).n > 2000, `${id} looks empty`);
    await page.locator('.review-panels').screenshot({ path: join(out, 'batch_review.png') });
    console.log(`   review: AUC ${ev.auc.toFixed(4)}, score PSI ${mon.score.psi.toFixed(4)} (${mon.score.verdict}), fairness on ${attribute}: ${fair.groups.length} groups`);
  });

  await step('model screen: training vs validation, intervals, band table, gains, cut-offs and the card', async () => {
    await page.click('#tab-model');
    await page.waitForSelector('[data-testid="model-card"]');
    const v = bundle.metrics.validation;
    const auc = await page.$$eval('[data-testid="model-metrics-table"] [data-key="auc"]', (els) => els.map((e) => Number(e.dataset.value)));
    assert.deepEqual(auc, [bundle.metrics.training.auc, v.auc]);
    assert.equal(await page.getAttribute('[data-testid="model-overfitting"]', 'data-overfitting'), String(bundle.metrics.comparison.overfitting));
    const counts = await page.$$eval('[data-testid="model-bands"] [data-key="count"]', (els) => els.map((e) => Number(e.dataset.value)));
    assert.deepEqual(counts, v.band_table.map((b) => b.count));
    assert.equal(await page.locator('[data-testid="model-gains-table"] tbody tr').count(), v.gains.length);
    assert.equal(await page.locator('[data-testid="model-card"] section').count(), bundle.card.sections.length + 1);
    const md = execFileSync(cli, ['card', '--model', join(repo, 'models', `${model}.json`)], { encoding: 'utf8' });
    for (const s of bundle.card.sections) assert.ok(md.includes(`## ${s.title}`));
    assert.ok((await page.textContent('[data-testid="model-card"]')).includes(bundle.content_sha256));
    await page.locator('[data-testid="model-card"]').screenshot({ path: join(out, 'model_card.png') });
    await page.click('#tab-batch');
  });

  await step('batch cancel: a long file can be cancelled', async () => {
    const big = join(work, 'big.csv');
    const many = [lines[0]];
    while (many.length < 60000) many.push(...lines.slice(1));
    await writeFile(big, many.join('\n') + '\n');
    await page.setInputFiles('[data-testid="batch-file-input"]', big);
    await page.waitForSelector('#view-batch[data-running="1"]');
    await page.click('#view-batch button:has-text("Cancel")');
    await page.waitForSelector('#view-batch[data-cancelled="1"]', { timeout: 20000 });
    assert.match(await page.textContent('#view-batch .progress-text'), /Cancelled/);
  });

  await step('batch by drag and drop (no SHAP): scores the dropped file', async () => {
    await page.uncheck('#batch-explain');
    const csv = [lines[0], ...body.slice(0, 40)].join('\n') + '\n';
    const dt = await page.evaluateHandle((text) => {
      const d = new DataTransfer();
      d.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
      return d;
    }, csv);
    await page.dispatchEvent('#view-batch .dropzone', 'dragover', { dataTransfer: dt });
    await page.dispatchEvent('#view-batch .dropzone', 'drop', { dataTransfer: dt });
    await page.waitForSelector('#view-batch[data-done="1"]', { timeout: 20000 });
    const s = await page.$eval('[data-testid="batch-summary"]', (e) => ({ rowsIn: +e.dataset.rowsIn, scored: +e.dataset.scored }));
    assert.deepEqual(s, { rowsIn: 40, scored: 40 });
    assert.equal(await page.isVisible('[data-testid="batch-shap-chart"]'), false);
    await page.check('#batch-explain');
  });

  await step('batch with a missing column: the engine error reaches the page, naming the column', async () => {
    const missing = header.indexOf(numericFeature.name);
    const drop = (cells) => cells.filter((_, i) => i !== missing).map(quote).join(',');
    const bad = join(work, 'missing_column.csv');
    await writeFile(bad, [drop(header), ...body.slice(0, 5).map((l) => drop(parseCsv(l + '\n')[0]))].join('\n') + '\n');
    await page.setInputFiles('[data-testid="batch-file-input"]', bad);
    await page.waitForFunction(() => /^Failed:/.test(document.querySelector('#view-batch .progress-text').textContent), null, { timeout: 20000 });
    assert.ok((await page.textContent('#view-batch .progress-text')).includes(numericFeature.name));
  });

  await step('batch past 200,000 rows on 2 workers: counts, pages, sorts, download = `loanlens score`', async () => {
    // The fastest shipped kind (logistic), its own training file repeated with a few hostile rows:
    // quoted line breaks in an extra column, a bad number, CRLF line ends.
    const fast = 'german_credit_logistic';
    await page.click('#tab-applicant');
    await page.selectOption('[data-testid="model-select"]', `models/${fast}.json`);
    await page.waitForSelector(`body[data-model="${fast}"]`, { timeout: 20000 });
    await page.click('#tab-batch');
    const src = (await readFile(join(repo, 'models/data/german_credit.csv'), 'utf8')).split('\n').filter((l) => l !== '');
    const rows = [`${src[0]},note`];
    for (let i = 0; rows.length <= 210000; i++) {
      const l = src[1 + (i % (src.length - 1))];
      rows.push(i % 1000 === 7 ? `${l},"two\nlines"` : i % 5000 === 11 ? l.replace(/^([^,]*),[^,]*/, '$1,not-a-number') + ',x' : `${l},n${i}`);
    }
    const bigPath = join(work, 'big_210k.csv');
    await writeFile(bigPath, rows.map((l, i) => (i % 3 === 0 ? l + '\r' : l)).join('\n') + '\n');
    const cliBig = join(work, 'big_210k_cli.csv');
    // The CLI scores the same file meanwhile (its output is compared byte for byte below).
    const cliDone = new Promise((resolve, reject) => execFile(cli, ['score', '--model', join(repo, 'models', `${fast}.json`), '--data', bigPath, '--out', cliBig, '--explain'], (e, so, se) => (e ? reject(e) : resolve(`${so}${se}`))));
    await page.check('#batch-explain');
    await page.selectOption('[data-testid="batch-workers"]', '2');
    const t0 = Date.now();
    await page.setInputFiles('[data-testid="batch-file-input"]', bigPath);
    await page.waitForSelector('#view-batch[data-done="1"]', { timeout: 240000 });
    const s = await page.$eval('[data-testid="batch-summary"]', (e) => ({ rowsIn: +e.dataset.rowsIn, scored: +e.dataset.scored, rejected: +e.dataset.rejected }));
    const v = await page.$eval('#view-batch', (e) => ({ workers: +e.dataset.workers, slices: +e.dataset.slices, store: +e.dataset.storeBytes }));
    console.log(`   ${s.rowsIn} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s on ${v.workers} workers, ${v.slices} slices; store columns ${(v.store / 1e6).toFixed(1)} MB`);
    const cliSays = (await cliDone).match(/rows in (\d+), scored (\d+), rejected (\d+)/);
    assert.ok(cliSays, 'the CLI did not report its counts');
    const cliLines = Number(cliSays[2]);
    assert.equal(s.rejected, Number(cliSays[3]));
    const cliText = await readFile(cliBig, 'utf8');
    assert.equal(s.rowsIn, 210000);
    assert.equal(s.scored + s.rejected, s.rowsIn);
    assert.equal(s.scored, cliLines, 'browser and CLI scored different numbers of rows');
    assert.ok(s.rejected >= 40, `${s.rejected} rejected`);
    assert.equal(v.workers, 2);
    assert.ok(v.slices > 2, `${v.slices} slices`);
    const table = page.locator('[data-testid="batch-results"] table');
    assert.equal(await table.locator('tbody tr').count(), 25);
    await page.click('[data-testid="batch-results"] .pager button:has-text("Next")');
    await tableIdle();
    assert.match(await page.textContent('[data-testid="batch-page"]'), new RegExp(`of ${s.scored.toLocaleString('en-US')} · page 2 of`));
    await table.locator('th button', { hasText: /^pd/ }).click();
    await tableIdle();
    const pds = await table.locator('tbody td[data-col="pd"]').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('title'))));
    for (let i = 1; i < pds.length; i++) assert.ok(pds[i - 1] >= pds[i], 'not sorted by pd (descending)');
    // Sort by an input column (read from the stored lines).
    await table.locator('th button', { hasText: /^credit_amount/ }).click();
    await tableIdle();
    const amounts = await table.locator('tbody td[data-col="credit_amount"]').allTextContents();
    for (let i = 1; i < amounts.length; i++) assert.ok(Number(amounts[i - 1]) <= Number(amounts[i]), 'not sorted by credit_amount');
    const rejectedShown = await page.$$eval('[data-testid="batch-rejected"] tbody tr', (trs) => trs.map((tr) => Number(tr.cells[0].textContent)));
    for (let i = 1; i < rejectedShown.length; i++) assert.ok(rejectedShown[i - 1] < rejectedShown[i], 'rejected rows out of order');
    await page.screenshot({ path: join(out, 'batch-210k.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="batch-download"]')]);
    const path = join(work, 'big_download.csv');
    await download.saveAs(path);
    // Every row and cell of the CLI's output: text cells byte for byte, numbers to 1e-9 relative
    // (wasm and native libm differ in the last digit now and then; the page's own cells are
    // identical on 1 and N workers, tests/node/web_bigbatch.test.mjs).
    // Line by line (a 180 MB file: no whole parse); a quoted line break splits both the same way.
    const got = await readFile(path, 'utf8');
    let exact = 0;
    let cellsSeen = 0;
    let lines = 0;
    for (let i = 0, j = 0; i < got.length || j < cliText.length; lines++) {
      const ei = got.indexOf('\n', i);
      const ej = cliText.indexOf('\n', j);
      assert.ok(ei >= 0 && ej >= 0, `line ${lines + 1}: one file ends early`);
      const a = got.slice(i, ei);
      const b = cliText.slice(j, ej);
      i = ei + 1;
      j = ej + 1;
      if (a === b) continue;
      const ca = parseCsv(a)[0];
      const cb = parseCsv(b)[0];
      assert.equal(ca.length, cb.length, `line ${lines + 1}: cell count`);
      for (let c = 0; c < cb.length; c++) {
        cellsSeen++;
        if (ca[c] === cb[c]) exact++;
        else assert.ok(ca[c] !== '' && cb[c] !== '' && Math.abs(Number(ca[c]) - Number(cb[c])) <= 1e-9 * Math.max(1, Math.abs(Number(cb[c]))), `line ${lines + 1}: '${ca[c]}' vs CLI '${cb[c]}'`);
      }
    }
    assert.ok(got.startsWith(cliText.slice(0, cliText.indexOf('\n') + 1)), 'download header differs from `loanlens score --explain`');
    console.log(`   download: ${lines} lines as the CLI's; ${cellsSeen - exact} cell(s) differ from the CLI in the last digits only`);
    // The review panels read the file once more in the page's engine worker; the next model loads
    // in that worker after it.
    await page.waitForSelector('.review-panels[data-review-done="1"]', { state: 'attached', timeout: 300000 });
    await page.click('#tab-applicant');
    await page.selectOption('[data-testid="model-select"]', `models/${model}.json`);
    await page.waitForSelector(`body[data-model="${model}"]`, { timeout: 20000 });
  });

  await step('model screen: metrics and charts from the bundle', async () => {
    await page.click('#tab-model');
    const metrics = page.locator('[data-testid="model-metrics"]');
    await metrics.waitFor();
    const text = await metrics.textContent();
    const auc = bundle.metrics.validation.auc;
    assert.ok(text.includes(auc.toFixed(4)), `AUC ${auc.toFixed(4)} not shown`);
    assert.equal(await page.textContent('[data-testid="content-hash"]'), bundle.content_sha256);
    for (const id of ['model-roc', 'model-ks', 'model-calibration', 'model-distribution', 'model-importance']) {
      if ((await page.locator(`[data-testid="${id}"]`).count()) === 0) throw new Error(`${id} missing`);
      const px = await painted(`[data-testid="${id}"]`);
      assert.ok(px.n > 3000, `${id} looks empty`);
    }
    const cm = page.locator('[data-testid="model-confusion"] .cm-n');
    const before = await cm.allTextContents();
    await page.locator('[data-testid="threshold-slider"]').fill('0.6');
    const after = await cm.allTextContents();
    assert.notDeepEqual(before, after, 'confusion matrix did not follow the slider');
    const sum = after.map((x) => Number(x.replace(/,/g, ''))).reduce((a, b) => a + b, 0);
    assert.equal(sum, bundle.metrics.validation.n_rows);
    await page.screenshot({ path: join(out, 'model.png'), fullPage: true });
  });

  await step('open a bundle file', async () => {
    await page.setInputFiles('[data-testid="bundle-file-input"]', join(repo, 'models', `${model}.json`));
    await page.waitForFunction(() => document.querySelector('[data-testid="model-select"]').value === '__user__');
    await page.click('#tab-applicant');
    await page.waitForSelector('[data-testid="result-pd"][data-pd]');
  });

  await step('a file that is not a bundle: the engine\'s message, and which model is still in use', async () => {
    const png = join(work, 'photo.png');
    const pngBytes = Buffer.alloc(600);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).copy(pngBytes);
    for (let i = 16; i < pngBytes.length; i++) pngBytes[i] = (i * 151) & 0xff;
    await writeFile(png, pngBytes);
    const pdBefore = await page.getAttribute('[data-testid="result-pd"]', 'data-pd');
    await page.setInputFiles('[data-testid="bundle-file-input"]', png);
    await page.waitForSelector('body[data-load-error="photo.png"]:not([data-loading])', { timeout: 20000 });
    let text = await page.textContent('#model-status');
    assert.match(text, /^Could not load photo\.png: bundle: not valid JSON \(.*parse error/, text);
    assert.ok(!text.includes('[object'), text);
    assert.ok(text.endsWith(`Still using ${model}.json.`), text);
    assert.equal(await page.getAttribute('#model-bar', 'data-state'), 'error');
    assert.equal(await page.$eval('[data-testid="model-select"]', (s) => s.value), '__user__');
    assert.equal(await page.getAttribute('body', 'data-model'), `${model}.json`);
    // A bundle changed after training: the engine's hash check, and still the same model.
    const tampered = join(work, 'tampered.json');
    const original = await readFile(join(repo, 'models', `${model}.json`), 'utf8');
    await writeFile(tampered, original.replace('"engine_version": "', '"engine_version": "x'));
    await page.setInputFiles('[data-testid="bundle-file-input"]', tampered);
    await page.waitForSelector('body[data-load-error="tampered.json"]:not([data-loading])', { timeout: 20000 });
    text = await page.textContent('#model-status');
    assert.match(text, /^Could not load tampered\.json: bundle: bundle\.content_sha256: the content does not match its hash/, text);
    assert.ok(text.endsWith(`Still using ${model}.json.`), text);
    await page.click('#tab-applicant');
    assert.equal(await page.getAttribute('[data-testid="result-pd"]', 'data-pd'), pdBefore, 'the model in use changed');
    // An imported XGBoost model that uses age and sex loads, and the status says so.
    const imported = join(work, 'german_xgb_protected.json');
    execFileSync(cli, ['import-xgboost', '--model', join(repo, 'tests/fixtures/xgboost/protected_model.json'), '--data', join(repo, 'models/data/german_credit.csv'), '--target', 'class', '--positive', '2', '--out', imported], { stdio: 'ignore' });
    await page.setInputFiles('[data-testid="bundle-file-input"]', imported);
    await page.waitForSelector('body[data-model="german_xgb_protected.json"]:not([data-loading])', { timeout: 20000 });
    text = await page.textContent('#model-status');
    assert.match(text, /uses a prohibited basis: personal_status_sex, age_years$/, text);
    assert.equal(await page.getAttribute('body', 'data-load-error'), null);
    console.log('   a PNG and a tampered bundle: the engine messages and the model still in use; the prohibited basis shown');
  });


  /// Checks what the Applicant, Batch and Model screens say about how a bundle is explained and
  /// on which scale, and that the browser's PD equals the CLI's for the typical applicant.
  async function checkPresentation(b, bundlePath, label, { screenshots }) {
    await page.waitForSelector('[data-testid="result-pd"][data-pd]', { timeout: 20000 });
    const pd = Number(await page.getAttribute('[data-testid="result-pd"]', 'data-pd'));
    const cliOut = cliExplain(bundlePath, await formRecord());
    assert.ok(Math.abs(cliOut.pd - pd) <= 1e-12, `${label}: browser pd ${pd} vs CLI ${cliOut.pd}`);
    await checkDecision(cliOut, label);
    const px = await painted('[data-testid="waterfall-chart"]');
    assert.ok(px.n > 5000, `${label}: waterfall looks empty`);
    const probability = b.kind === 'random_forest';
    const method = await page.getAttribute('[data-testid="explain-method"]', 'data-method');
    assert.equal(method, b.explain.method, `${label}: result panel shows method ${method}`);
    const methodText = await page.textContent('[data-testid="explain-method"]');
    const expectName = { linear_shap: /Exact linear SHAP/, tree_shap: /Exact TreeSHAP/, rbf_shap: /Exact RBF SHAP/, kernel_shap: /Kernel SHAP \((sampled|exact)\)/ }[b.explain.method];
    assert.match(methodText, expectName, `${label}: ${methodText}`);
    if (b.explain.method === 'kernel_shap') {
      const m = b.explain.kernel_shap.group_names.length;
      assert.match(methodText, m > 12 ? /sampled/ : /exact/, `${label}: ${m} features`);
      assert.equal(await page.getAttribute('[data-testid="explain-method"]', 'data-exact'), String(m <= 12));
    }
    const marginLine = await page.textContent('[data-testid="result-margin"]');
    if (probability) {
      assert.match(marginLine, /%/, `${label}: margin not shown as a probability: ${marginLine}`);
      assert.doesNotMatch(marginLine + methodText, /log-odds/, `${label}: probability margin labelled log-odds`);
      const reasons = await page.locator('[data-testid="result-reasons"] li').allTextContents();
      for (const r of reasons) assert.doesNotMatch(r, /odds of default x|log-odds/, `${label}: reason in odds for a probability model: ${r}`);
    } else assert.match(marginLine, /log-odds/, `${label}: ${marginLine}`);
    if (screenshots) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(out, `applicant-${label}.png`), fullPage: true });
    }

    // Batch: SHAP is off by default only where it is slow (Kernel SHAP), with a note saying so.
    await page.click('#tab-batch');
    const shapOn = await page.isChecked('#batch-explain');
    assert.equal(shapOn, b.explain.method !== 'kernel_shap', `${label}: SHAP checkbox default`);
    const note = page.locator('[data-testid="batch-explain-note"]');
    if (b.explain.method === 'kernel_shap') assert.match(await note.textContent(), /slow.*off by default.*Measured here: \d+\.\d+ s/s);
    else assert.equal(await note.isVisible(), false);

    await page.click('#tab-model');
    await page.locator('[data-testid="model-metrics"]').waitFor();
    assert.equal(await page.getAttribute('[data-testid="model-explain-method"]', 'data-method'), b.explain.method);
    assert.equal(await page.getAttribute('[data-testid="model-margin-scale"]', 'data-scale'), probability ? 'probability' : 'log_odds');
    const calKind = b.calibration?.kind ?? 'none';
    assert.equal(await page.locator('[data-testid="model-calibration-step"]').count(), calKind === 'none' ? 0 : 1, `${label}: calibration card`);
    if (screenshots) await page.screenshot({ path: join(out, `model-${label}.png`), fullPage: true });
    await page.click('#tab-applicant');
  }

  await step('every shipped model loads, scores the typical applicant and is presented on its own scale and method', async () => {
    const options = await page.$$eval('[data-testid="model-select"] option', (os) => os.map((o) => o.value).filter((v) => v.startsWith('models/')));
    assert.ok(options.length >= 4, `only ${options.length} shipped models`);
    const shotKinds = new Set();
    for (const value of options) {
      const name = value.replace(/^models\//, '').replace(/\.json$/, '');
      const path = join(repo, 'models', `${name}.json`);
      const b = JSON.parse(await readFile(path, 'utf8'));
      await page.click('#tab-applicant');
      await page.selectOption('[data-testid="model-select"]', value);
      await page.waitForSelector(`body[data-model="${name}"]`, { timeout: 20000 });
      // Screenshots of the first bundle of each kind (the rest are checked, not photographed).
      const screenshots = !shotKinds.has(b.kind) || name === 'german_credit_svm';
      shotKinds.add(b.kind);
      await checkPresentation(b, path, name, { screenshots });
    }
    for (const kind of ['logistic', 'gbdt', 'random_forest', 'svm']) assert.ok(shotKinds.has(kind), `no shipped ${kind} model`);
  });

  await step('calibrated bundles: the model screen shows the calibration step, Brier and the plot before and after', async () => {
    const german = join(repo, 'models/data/german_credit.csv');
    const schema = join(repo, 'models/data/german_credit.schema.json');
    const cases = [
      { file: 'german_platt_logistic.json', args: ['--model', 'logistic', '--param', 'calibration=platt'] },
      { file: 'german_isotonic_forest.json', args: ['--model', 'random_forest', '--param', 'calibration=isotonic', '--param', 'n_trees=40', '--param', 'max_depth=6'] },
    ];
    for (const c of cases) {
      const path = join(work, c.file);
      execFileSync(cli, ['train', '--data', german, '--target', 'class', '--positive', '2', '--schema', schema, '--out', path, ...c.args], { stdio: 'ignore' });
      const b = JSON.parse(await readFile(path, 'utf8'));
      assert.ok(['platt', 'isotonic'].includes(b.calibration.kind), `${c.file}: not calibrated`);
      await page.click('#tab-applicant');
      await page.setInputFiles('[data-testid="bundle-file-input"]', path);
      await page.waitForSelector(`body[data-model="${c.file}"]`, { timeout: 20000 });
      await checkPresentation(b, path, c.file.replace(/\.json$/, ''), { screenshots: true });
      await page.click('#tab-model');
      const card = page.locator('[data-testid="model-calibration-step"]');
      assert.equal(await card.getAttribute('data-kind'), b.calibration.kind);
      assert.match(await card.textContent(), b.calibration.kind === 'platt' ? /Platt scaling/ : /isotonic regression/);
      const brier = card.locator('tr[data-metric="brier"]');
      const before = Number(await brier.locator('td[data-before]').getAttribute('data-before'));
      const after = Number(await brier.locator('td[data-after]').getAttribute('data-after'));
      assert.equal(before, b.metrics.validation_uncalibrated.brier);
      assert.equal(after, b.metrics.validation.brier);
      assert.match(await page.textContent('[data-testid="model-metrics"]'), /before calibration \d\.\d{4}/);
      // The calibration plot has the before series (grey) and the after series.
      const series = await page.$eval('[data-testid="model-calibration"] canvas', (c) => c.getAttribute('aria-label'));
      assert.match(series, /before and after/);
      const px = await painted('[data-testid="model-calibration"]');
      assert.ok(px.n > 3000, 'calibration plot looks empty');
      await page.locator('[data-testid="model-calibration"]').screenshot({ path: join(out, `calibration-${b.calibration.kind}.png`) });
    }
    await page.click('#tab-applicant');
  });

  await step('tablet layout', async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.click('#tab-applicant');
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(out, 'tablet-applicant.png'), fullPage: true });
    for (const view of ['batch', 'model']) {
      await page.click(`#tab-${view}`);
      await page.waitForTimeout(200);
      await page.screenshot({ path: join(out, `tablet-${view}.png`), fullPage: true });
      const o = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(o <= 0, `${view} scrolls sideways by ${o}px on a tablet`);
    }
    await page.click('#tab-applicant');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px on a tablet`);
  });

  await step('keyboard and labels: arrow keys move between tabs, every control has a label', async () => {
    await page.focus('#tab-applicant');
    await page.click('#tab-applicant');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('#tab-batch', 'aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-batch');
    assert.equal(await page.isVisible('#view-batch'), true);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.getAttribute('#tab-applicant', 'aria-selected'), 'true');
    const unlabelled = await page.$$eval('input, select', (els) =>
      els.filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label')).map((e) => e.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unlabelled, []);
  });

  await step('every request stayed on the own origin; no console errors', async () => {
    assert.deepEqual(offsite, [], `requests to other origins: ${offsite.join(', ')}`);
    assert.ok(requested.some((u) => u.endsWith('.wasm')), 'the .wasm request was not seen');
    assert.deepEqual(problems, []);
  });
} catch (e) {
  failed = true;
  console.error('E2E FAILED:', e.stack ?? e.message);
  console.error(problems.join('\n'));
  await page.screenshot({ path: join(out, 'failure.png'), fullPage: true }).catch(() => undefined);
} finally {
  await context.close();
  await browser.close();
  await site.close();
  await rm(work, { recursive: true, force: true });
}
console.log(failed ? 'E2E: FAILED' : `E2E: all steps passed; screenshots in ${out}`);
process.exit(failed ? 1 : 0);
