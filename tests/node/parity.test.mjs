// WebAssembly vs native: for every shipped bundle and its dataset, the batch scores and SHAP
// values of the .wasm (the module the browser runs) equal the native CLI's
// (`loanlens score --explain`) on the same rows, |diff| <= 1e-12 for every numeric cell.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { cli, cellDiff, loadEngine, parseCsv, repo, runBatch, shippedBundles } from './helpers.mjs';

const kTol = 1e-12;
let m;
let bundles;

before(async () => {
  m = await loadEngine();
  bundles = await shippedBundles();
});

test('there are shipped bundles and a native CLI to compare with', () => {
  assert.ok(bundles.length > 0, 'models/*.json: no bundles (scripts/train-demo-models)');
  assert.ok(existsSync(cli), `${cli} missing: build the native CLI first (scripts/build)`);
});

test('wasm batch scoring and SHAP equal the native CLI for every shipped bundle', async (t) => {
  for (const bundlePath of bundles) {
    await t.test(basename(bundlePath), async () => {
      const text = await readFile(bundlePath, 'utf8');
      const loaded = JSON.parse(m.loadBundle(text));
      assert.equal(loaded.error, undefined, loaded.error);
      const dataFile = JSON.parse(text).training?.data_file;
      assert.ok(dataFile, 'bundle has no training.data_file');
      const dataPath = join(repo, 'models/data', dataFile);
      const csv = await readFile(dataPath, 'utf8');

      const dir = await mkdtemp(join(tmpdir(), 'loanlens-parity-'));
      try {
        const outPath = join(dir, 'scored.csv');
        execFileSync(cli, ['score', '--model', bundlePath, '--data', dataPath, '--out', outPath, '--explain'], { stdio: ['ignore', 'ignore', 'pipe'] });
        const native = parseCsv(await readFile(outPath, 'utf8'));
        const nativeHeader = native.shift();

        // Odd chunk size: records and UTF-8 text split across chunk boundaries.
        const wasm = runBatch(m, loaded.handle, csv, { explain: true, chunkChars: 65521, source: dataFile });
        assert.deepEqual(wasm.header, nativeHeader, 'output columns differ from the CLI');
        assert.ok(nativeHeader.includes('pd') && nativeHeader.includes('base_value'));
        assert.ok(nativeHeader.some((h) => h.startsWith('shap_')), 'no shap_ columns');
        assert.equal(wasm.rows.length, native.length, 'scored row count differs');
        assert.equal(wasm.summary.rows_in, wasm.summary.scored + wasm.summary.rejected);
        assert.equal(wasm.summary.scored, native.length);

        let maxDiff = 0;
        let numericCells = 0;
        for (let r = 0; r < native.length; r++) {
          const a = wasm.rows[r].cells;
          const b = native[r];
          assert.equal(a.length, b.length, `row ${wasm.rows[r].row}: cell count`);
          for (let c = 0; c < b.length; c++) {
            const d = cellDiff(a[c], b[c]);
            if (d === Infinity) assert.fail(`row ${wasm.rows[r].row}, column ${nativeHeader[c]}: wasm '${a[c]}' vs native '${b[c]}'`);
            if (a[c] !== '' && Number.isFinite(Number(a[c]))) numericCells++;
            if (d > maxDiff) maxDiff = d;
          }
        }
        assert.ok(numericCells > native.length, 'compared almost no numeric cells');
        assert.ok(maxDiff <= kTol, `max |wasm - native| = ${maxDiff}`);
        t.diagnostic(`${basename(bundlePath)}: ${native.length} rows x ${nativeHeader.length} columns, max |diff| = ${maxDiff}`);

        // The single-record path (Applicant screen) agrees with the batch path on the first rows.
        const data = parseCsv(csv);
        const header = data.shift();
        const features = loaded.info.features.map((f) => f.name);
        const pdCol = nativeHeader.indexOf('pd');
        const baseCol = nativeHeader.indexOf('base_value');
        for (let r = 0; r < Math.min(25, native.length); r++) {
          const rowNo = wasm.rows[r].row;
          const values = data[rowNo - 2];
          const record = Object.fromEntries(features.map((f) => [f, values[header.indexOf(f)]]));
          const s = JSON.parse(m.scoreRecord(loaded.handle, JSON.stringify(record), true));
          assert.equal(s.error, undefined, s.error);
          assert.ok(Math.abs(s.pd - Number(native[r][pdCol])) <= kTol, `row ${rowNo}: pd ${s.pd} vs ${native[r][pdCol]}`);
          assert.ok(Math.abs(s.base_value - Number(native[r][baseCol])) <= kTol);
          for (const f of features) {
            const col = nativeHeader.indexOf(`shap_${f}`);
            assert.ok(Math.abs(s.contributions[f] - Number(native[r][col])) <= kTol, `row ${rowNo}: shap_${f}`);
          }
          const sum = s.base_value + Object.values(s.contributions).reduce((x, y) => x + y, 0);
          assert.ok(Math.abs(sum - s.margin) <= 1e-9, `row ${rowNo}: base + sum(phi) != margin`);
        }
      } finally {
        m.unloadBundle(loaded.handle);
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
