// Error paths of the bindings: every failure comes back as {"error": message} with a message
// that says what is wrong and where (never a thrown number, never a crash of the module).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadEngine, runBatch, shippedBundles } from './helpers.mjs';

let m;
let bundleText;
let handle;
let info;

before(async () => {
  m = await loadEngine();
  const bundles = await shippedBundles();
  assert.ok(bundles.length > 0, 'no shipped bundles in models/');
  bundleText = await readFile(bundles[0], 'utf8');
  const r = JSON.parse(m.loadBundle(bundleText));
  assert.equal(r.error, undefined, r.error);
  handle = r.handle;
  info = r.info;
});

/// A record with every feature at its typical value (median / most frequent level).
function typical() {
  const rec = {};
  for (const f of info.features) {
    if (f.type === 'numeric') rec[f.name] = f.median;
    else rec[f.name] = f.categories[0];
  }
  return rec;
}

test('version is a non-empty string', () => {
  assert.match(m.version(), /\d+\.\d+\.\d+/);
});

test('a bundle that is not JSON is reported as such', () => {
  const r = JSON.parse(m.loadBundle('{"format": "loanlens-model", '));
  assert.match(r.error, /not valid JSON/);
  assert.equal(r.handle, undefined);
});

test('JSON that is not a LoanLens bundle is reported', () => {
  const r = JSON.parse(m.loadBundle('{"hello": "world"}'));
  assert.ok(typeof r.error === 'string' && r.error.length > 0);
  assert.match(r.error, /format/);
});

test('a tampered bundle (content changed after training) is refused, naming the hash', () => {
  const j = JSON.parse(bundleText);
  j.policy.approve_below = j.policy.approve_below / 2; // looks harmless, changes every decision
  const r = JSON.parse(m.loadBundle(JSON.stringify(j)));
  assert.match(r.error, /content_sha256/);
  assert.match(r.error, /does not match/);
});

test('a bundle with a changed model is refused too', () => {
  const j = JSON.parse(bundleText);
  const walk = (o) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'number' && v !== 0) {
        o[k] = v * 1.0001;
        return true;
      }
      if (v && typeof v === 'object' && walk(v)) return true;
    }
    return false;
  };
  assert.ok(walk(j.model), 'no number found in the model section');
  const r = JSON.parse(m.loadBundle(JSON.stringify(j)));
  assert.match(r.error, /content_sha256/);
});

test('the typical applicant scores, and base + sum(contributions) = margin', () => {
  const s = JSON.parse(m.scoreRecord(handle, JSON.stringify(typical()), true));
  assert.equal(s.error, undefined, s.error);
  assert.ok(s.pd > 0 && s.pd < 1);
  assert.ok(['approve', 'review', 'decline'].includes(s.band));
  const sum = s.base_value + Object.values(s.contributions).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - s.margin) < 1e-9);
  assert.ok(Array.isArray(s.reasons));
});

test('a bad numeric value names the column and the value', () => {
  const f = info.features.find((x) => x.type === 'numeric');
  assert.ok(f, 'bundle has no numeric feature');
  const rec = typical();
  rec[f.name] = 'twelve';
  const s = JSON.parse(m.scoreRecord(handle, JSON.stringify(rec), true));
  assert.ok(s.error, 'a non-number was accepted');
  assert.ok(s.error.includes(f.name), s.error);
  assert.ok(s.error.includes('twelve'), s.error);
});

test('an unknown column is named', () => {
  const rec = { ...typical(), not_a_column: 5 };
  const s = JSON.parse(m.scoreRecord(handle, JSON.stringify(rec), true));
  assert.match(s.error, /not_a_column/);
  assert.match(s.error, /unknown column/);
});

test('a record that is not JSON is reported', () => {
  const s = JSON.parse(m.scoreRecord(handle, '{bad', true));
  assert.match(s.error, /not valid JSON/);
});

test('an unknown bundle handle is reported', () => {
  const s = JSON.parse(m.scoreRecord(987654, JSON.stringify(typical()), true));
  assert.match(s.error, /987654/);
  assert.equal(m.batchOpen(987654, true, 'x.csv'), 0);
  assert.match(JSON.parse(m.batchFeed(424242, 'a,b\n')).error, /424242/);
});

test('a batch with malformed rows: rows in = scored + rejected, reasons name row and column', () => {
  const names = info.features.map((f) => f.name);
  const num = info.features.find((x) => x.type === 'numeric');
  const good = names.map((n) => String(typical()[n])).map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v));
  const bad = [...good];
  bad[names.indexOf(num.name)] = 'abc';
  const lines = [names.join(','), good.join(','), bad.join(','), good.slice(1).join(','), good.join(',')];
  const out = runBatch(m, handle, lines.join('\n') + '\n', { explain: true, chunkChars: 7 });
  assert.equal(out.summary.rows_in, 4);
  assert.equal(out.summary.scored, 2);
  assert.equal(out.summary.rejected, 2);
  assert.deepEqual(out.rows.map((r) => r.row), [2, 5]);
  assert.deepEqual(out.rejected.map((r) => r.row), [3, 4]);
  assert.ok(out.rejected[0].reason.includes(num.name) && out.rejected[0].reason.includes('abc'), out.rejected[0].reason);
  assert.match(out.rejected[1].reason, /fields/);
});

test('a batch whose header lacks a feature column is an error naming it', () => {
  const names = info.features.map((f) => f.name);
  const id = m.batchOpen(handle, false, 'partial.csv');
  const r = JSON.parse(m.batchFeed(id, names.slice(1).join(',') + '\n'));
  m.batchClose(id);
  assert.ok(r.error, 'missing column accepted');
  assert.ok(r.error.includes(names[0]), r.error);
});

test('an empty batch is an error', () => {
  const id = m.batchOpen(handle, false, 'empty.csv');
  const r = JSON.parse(m.batchFinish(id));
  m.batchClose(id);
  assert.match(r.error, /empty/);
});

test('unloading frees the handle', () => {
  const r = JSON.parse(m.loadBundle(bundleText));
  m.unloadBundle(r.handle);
  assert.match(JSON.parse(m.scoreRecord(r.handle, '{}', false)).error, /no bundle/);
});

test('a PNG opened as a bundle: the engine message comes back (bytes it quotes are not UTF-8)', async () => {
  // The page reads a file with File.text(): invalid UTF-8 becomes U+FFFD, and the JSON parser's
  // message then quotes part of that character. The reply must still be {"error": ...}.
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0xff, 0xfe]);
  for (const text of [new TextDecoder().decode(png), '\uFFFD', '\u00e9', '[\uFFFD']) {
    const r = JSON.parse(m.loadBundle(text));
    assert.match(r.error, /^bundle: not valid JSON \(.*parse error/, JSON.stringify(text));
  }
  const r = JSON.parse(m.scoreRecord(handle, '\uFFFD', true));
  assert.match(r.error, /record: not valid JSON/);
});

test('csvLines: the engine writes spreadsheet-safe CSV lines (the rule of loanlens score)', () => {
  const rows = [['a', 'pd'], ['=cmd|\' /C calc\'!A0', '-0.25'], ['+SUM(1)', '@x'], ['\t=1', 'x,y'], ['-2+3', '1e-5']];
  const r = JSON.parse(m.csvLines(JSON.stringify(rows)));
  assert.equal(r.error, undefined, r.error);
  assert.equal(r.text, 'a,pd\n\'=cmd|\' /C calc\'!A0,-0.25\n\'+SUM(1),\'@x\n\'\t=1,"x,y"\n\'-2+3,1e-5\n');
  assert.match(JSON.parse(m.csvLines('[1]')).error, /not an array of cells/);
  assert.match(JSON.parse(m.csvLines('{')).error, /not valid JSON/);
});
