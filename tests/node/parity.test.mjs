// WebAssembly vs native: for every shipped bundle and its dataset, the batch scores and SHAP
// values of the .wasm (the module the browser runs) equal the native CLI's
// (`loanlens score --explain`) on the same rows. Every cell is the same text for tree and
// linear bundles (both builds share exp and log, wasm/include/loanlens/portable_math.h). A
// kernel SVM's kernel rows are Eigen matrix products, which sum in another order with SSE2 than
// in WebAssembly: there |diff| <= 1e-12 for every numeric cell (pd, margin, base_value, shap_*)
// and `points` (offset + pdo/ln 2 x log-odds, ~500) within 1e-12 relative, since the ~29x
// factor turns a last-bit margin difference into ~1e-12 points.
// Rows: the whole dataset for the cheap explainers (linear SHAP), a fixed prefix for the costly
// ones (TreeSHAP on deep forests, Kernel SHAP), so the suite stays well under a minute.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { cli, cellDiff, csvPrefix, loadEngine, parseCsv, repo, runBatch, shippedBundles } from './helpers.mjs';

/// The largest |wasm - native| allowed in a bundle's numeric cells (relative for points and amounts).
function tolerance(bundle) {
  return bundle.kind === 'svm' ? 1e-12 : 0;
}
const run = promisify(execFile);
let m;
let bundles;

/// How many data rows to compare for a bundle (Infinity = the whole file), by explanation cost.
export function rowLimit(bundle) {
  const method = bundle.explain?.method;
  if (method === 'kernel_shap') return 40; // ~0.1-0.2 s per row in wasm
  if (method === 'rbf_shap') return 200; // exact, a few ms per row
  if (bundle.kind === 'random_forest') return 500; // deep trees: TreeSHAP ~5 ms per row
  if (method === 'tree_shap') return 5000;
  return Infinity;
}

/// Rows checked through the single-record path (scoreRecord, the Applicant screen).
function recordLimit(bundle) {
  return bundle.explain?.method === 'kernel_shap' ? 3 : 25;
}

before(async () => {
  m = await loadEngine();
  bundles = await shippedBundles();
});

test('there are shipped bundles and a native CLI to compare with', () => {
  assert.ok(bundles.length > 0, 'models/*.json: no bundles (scripts/train-demo-models)');
  assert.ok(existsSync(cli), `${cli} missing: build the native CLI first (scripts/build)`);
});

test('wasm batch scoring and SHAP equal the native CLI for every shipped bundle', async (t) => {
  const kinds = new Set();
  for (const bundlePath of bundles) {
    await t.test(basename(bundlePath), async () => {
      const t0 = performance.now();
      const text = await readFile(bundlePath, 'utf8');
      const bundle = JSON.parse(text);
      kinds.add(bundle.kind);
      const loaded = JSON.parse(m.loadBundle(text));
      assert.equal(loaded.error, undefined, loaded.error);
      assert.equal(loaded.info.margin_scale, bundle.kind === 'random_forest' ? 'probability' : 'log_odds');
      assert.equal(loaded.info.explain.method, bundle.explain.method);
      const dataFile = bundle.training?.data_file;
      assert.ok(dataFile, 'bundle has no training.data_file');
      const full = await readFile(join(repo, 'models/data', dataFile), 'utf8');
      const limit = rowLimit(bundle);
      const csv = Number.isFinite(limit) ? csvPrefix(full, limit) : full;

      const dir = await mkdtemp(join(tmpdir(), 'loanlens-parity-'));
      try {
        const dataPath = join(dir, dataFile);
        await writeFile(dataPath, csv);
        const outPath = join(dir, 'scored.csv');
        // The CLI runs in its own process while this one runs the wasm.
        const nativeRun = run(cli, ['score', '--model', bundlePath, '--data', dataPath, '--out', outPath, '--explain'], { maxBuffer: 1 << 24 });
        nativeRun.catch(() => undefined);

        // Odd chunk size: records and UTF-8 text split across chunk boundaries.
        const tw = performance.now();
        const wasm = runBatch(m, loaded.handle, csv, { explain: true, chunkChars: 65521, source: dataFile });
        const wasmSeconds = (performance.now() - tw) / 1000;
        await nativeRun;
        const native = parseCsv(await readFile(outPath, 'utf8'));
        const nativeHeader = native.shift();
        if (Number.isFinite(limit)) assert.ok(native.length > Math.min(limit, 1000) * 0.9, `only ${native.length} of the first ${limit} rows scored`);

        assert.deepEqual(wasm.header, nativeHeader, 'output columns differ from the CLI');
        assert.ok(nativeHeader.includes('pd') && nativeHeader.includes('base_value'));
        assert.ok(nativeHeader.some((h) => h.startsWith('shap_')), 'no shap_ columns');
        assert.equal(wasm.rows.length, native.length, 'scored row count differs');
        assert.equal(wasm.summary.rows_in, wasm.summary.scored + wasm.summary.rejected);
        assert.equal(wasm.summary.scored, native.length);

        let maxDiff = 0;
        let maxAt = '';
        let numericCells = 0;
        // Points (~500) and money amounts (expected loss, the limit: thousands) are compared
        // relatively: a last-bit difference in the PD is ~1e-12 of them.
        const relativeCols = new Set(['points', 'expected_loss', 'max_amount'].map((n) => nativeHeader.indexOf(n)));
        let maxPointsRel = 0;
        for (let r = 0; r < native.length; r++) {
          const a = wasm.rows[r].cells;
          const b = native[r];
          assert.equal(a.length, b.length, `row ${wasm.rows[r].row}: cell count`);
          for (let c = 0; c < b.length; c++) {
            const d = cellDiff(a[c], b[c]);
            if (d === Infinity) assert.fail(`row ${wasm.rows[r].row}, column ${nativeHeader[c]}: wasm '${a[c]}' vs native '${b[c]}'`);
            if (a[c] !== '' && Number.isFinite(Number(a[c]))) numericCells++;
            if (relativeCols.has(c)) {
              maxPointsRel = Math.max(maxPointsRel, d / Math.max(1, Math.abs(Number(b[c]))));
              continue;
            }
            if (d > maxDiff) {
              maxDiff = d;
              maxAt = `row ${wasm.rows[r].row}, ${nativeHeader[c]}: wasm ${a[c]} vs native ${b[c]}`;
            }
          }
        }
        assert.ok(numericCells > native.length, 'compared almost no numeric cells');
        assert.ok(maxDiff <= tolerance(bundle), `max |wasm - native| = ${maxDiff} (${maxAt})`);
        assert.ok(maxPointsRel <= tolerance(bundle), `points / amounts: max relative |wasm - native| = ${maxPointsRel}`);

        // The single-record path (Applicant screen) agrees with the batch path on the first rows.
        const data = parseCsv(csv);
        const header = data.shift();
        const features = loaded.info.features.map((f) => f.name);
        const pdCol = nativeHeader.indexOf('pd');
        const baseCol = nativeHeader.indexOf('base_value');
        const marginCol = nativeHeader.indexOf('margin');
        for (let r = 0; r < Math.min(recordLimit(bundle), native.length); r++) {
          const rowNo = wasm.rows[r].row;
          const values = data[rowNo - 2];
          const record = Object.fromEntries(features.map((f) => [f, values[header.indexOf(f)]]));
          const s = JSON.parse(m.scoreRecord(loaded.handle, JSON.stringify(record), true));
          assert.equal(s.error, undefined, s.error);
          assert.ok(Math.abs(s.pd - Number(native[r][pdCol])) <= tolerance(bundle), `row ${rowNo}: pd ${s.pd} vs ${native[r][pdCol]}`);
          assert.ok(Math.abs(s.margin - Number(native[r][marginCol])) <= tolerance(bundle), `row ${rowNo}: margin`);
          assert.ok(Math.abs(s.base_value - Number(native[r][baseCol])) <= tolerance(bundle));
          for (const f of features) {
            const col = nativeHeader.indexOf(`shap_${f}`);
            assert.ok(Math.abs(s.contributions[f] - Number(native[r][col])) <= tolerance(bundle), `row ${rowNo}: shap_${f}`);
          }
          const sum = s.base_value + Object.values(s.contributions).reduce((x, y) => x + y, 0);
          assert.ok(Math.abs(sum - s.margin) <= 1e-9, `row ${rowNo}: base + sum(phi) != margin`);
        }
        t.diagnostic(
          `${basename(bundlePath)} (${bundle.kind}, ${bundle.explain.method}): ${native.length} rows x ${nativeHeader.length} columns` +
            `${Number.isFinite(limit) ? ` (prefix of at most ${limit} rows)` : ' (whole file)'}, max |diff| = ${maxDiff} (${maxAt}), points rel ${maxPointsRel.toExponential(1)}, wasm ${wasmSeconds.toFixed(2)} s, total ${((performance.now() - t0) / 1000).toFixed(2)} s`,
        );
      } finally {
        m.unloadBundle(loaded.handle);
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
  // Every model family the engine ships is covered.
  for (const kind of ['logistic', 'gbdt', 'random_forest', 'svm']) assert.ok(kinds.has(kind), `no shipped ${kind} bundle was compared`);
});
