// Unit tests of the Batch screen's compact store and its multi-worker path (web/src/batch/:
// columns.ts, store.ts, table.ts, slicing.ts, run_slice.ts), with the real WebAssembly engine:
// a file cut into slices (batch/slicing.ts) and scored slice by slice, merged in input order,
// equals the one-slice run cell for cell, row numbers and counts included.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChunkedColumn, InternedColumn } from '../../build/web-units/batch/columns.js';
import { BatchStore, OrderedParts, compactPart, mergeSummaries, parseCsvLine, columnOfRecords } from '../../build/web-units/batch/store.js';
import { sortedOrder, numericKeys, rankKeys, cellKeys, filterByCode, pageOf } from '../../build/web-units/batch/table.js';
import { SliceScanner, detectDelimiter } from '../../build/web-units/batch/slicing.js';
import { scoreSlice } from '../../build/web-units/batch/run_slice.js';
import { loadEngine, parseCsv, repo } from './helpers.mjs';

let m;
let handle;
let bundle;
let dataText;
before(async () => {
  m = await loadEngine();
  const text = await readFile(join(repo, 'models/german_credit_logistic.json'), 'utf8');
  const loaded = JSON.parse(m.loadBundle(text));
  handle = loaded.handle;
  bundle = JSON.parse(text);
  dataText = await readFile(join(repo, 'models/data', bundle.training.data_file), 'utf8');
});

test('chunked columns grow past a chunk without copying; interned strings', () => {
  const c = new ChunkedColumn(Float64Array);
  for (let i = 0; i < 150000; i++) c.push(i * 0.5);
  assert.equal(c.length, 150000);
  assert.equal(c.get(65535), 65535 * 0.5);
  assert.equal(c.get(65536), 65536 * 0.5);
  const a = c.toArray();
  assert.equal(a.length, 150000);
  assert.equal(a[149999], 149999 * 0.5);
  const t = new InternedColumn();
  for (const s of ['x', 'y', 'x', '', 'y']) t.push(s);
  assert.deepEqual(t.table, ['x', 'y', '']);
  assert.deepEqual(Array.from(t.codes.toArray()), [0, 1, 0, 2, 1]);
  t.pushCodes([1, 0], ['', 'z']);
  assert.equal(t.get(5), 'z');
  assert.equal(t.get(6), '');
  assert.equal(t.find('nope'), -1);
});

test('CSV line and column readers agree with an RFC 4180 reader', () => {
  const lines = ['a,b,c\n', '"x,1","say ""hi""",\n', '"multi\nline",\'=A1,-3.5\n', ',,\n', '"","",""\n'];
  for (const l of lines) assert.deepEqual(parseCsvLine(l), parseCsv(l)[0], l);
  for (let col = 0; col < 3; col++) {
    const got = [];
    columnOfRecords(lines.join(''), col, (c) => got.push(c));
    assert.deepEqual(got, parseCsv(lines.join('')).map((r) => r[col]));
  }
});

test('sort on typed keys: stable by input order both ways, 300,000 rows without spreads', () => {
  const keys = numericKeys(new Float64Array([0.3, NaN, 0.3, 0.1]));
  assert.deepEqual(Array.from(sortedOrder(keys, true)), [0, 2, 3, 1]);
  assert.deepEqual(Array.from(sortedOrder(keys, false)), [1, 3, 0, 2]);
  assert.deepEqual(Array.from(rankKeys([2, 0, 1, 0], ['b', 'c', 'a'])), [0, 1, 2, 1]);
  assert.deepEqual(Array.from(cellKeys(['10', '', '9'])), [10, -Infinity, 9]);
  assert.deepEqual(Array.from(cellKeys(['b', '10', 'a'])), [2, 0, 1]);
  const n = 300000;
  const big = new Float64Array(n);
  for (let i = 0; i < n; i++) big[i] = (i * 7919) % 1000;
  const order = sortedOrder(big, true);
  for (let k = 1; k < n; k++) {
    const a = big[order[k - 1]];
    const b = big[order[k]];
    assert.ok(a > b || (a === b && order[k - 1] < order[k]));
  }
  const codes = { get: (i) => i % 3 };
  assert.deepEqual(Array.from(filterByCode(new Uint32Array([5, 4, 3, 2]), codes, 2)), [5, 2]);
  assert.deepEqual(pageOf(new Uint32Array([7, 8, 9]), 1, 2), { indices: [9], page: 1, pages: 2, from: 3, to: 3 });
});

test('ordered parts: any completion order, handed on in input order', () => {
  const got = [];
  const o = new OrderedParts((p) => got.push(p));
  o.push(1, 'b1');
  o.push(0, 'a1');
  o.push(2, 'c1');
  o.finish(2);
  o.push(1, 'b2');
  assert.deepEqual(got, ['a1']);
  o.finish(1);
  o.push(0, 'a2');
  o.finish(0);
  assert.deepEqual(got, ['a1', 'a2', 'b1', 'b2', 'c1']);
  assert.equal(o.finished, 3);
});

test('summaries merge: counts add up, mean |SHAP| weighted by rows scored', () => {
  const s = mergeSummaries([
    { rows_in: 3, scored: 2, rejected: 1, mean_abs_shap: { a: 1, b: 0 } },
    { rows_in: 2, scored: 2, rejected: 0, mean_abs_shap: { a: 4, b: 2 } },
  ]);
  assert.deepEqual(s, { rows_in: 5, scored: 4, rejected: 1, mean_abs_shap: { a: 2.5, b: 1 } });
});

/// Bytes of `text` as the page reads them (UTF-8).
const utf8 = (text) => new TextEncoder().encode(text);

/// Scores `bytes` in the slices the scanner gives for `sliceBytes`, finishing the slices in the
/// order `finishOrder` (a permutation), and merges them into a store.
async function scoreSliced(bytes, sliceBytes, { explain = true, step = 4096, reverse = false } = {}) {
  const scanner = new SliceScanner(sliceBytes);
  for (let i = 0; i < bytes.length; i += 1000) scanner.feed(bytes.subarray(i, i + 1000));
  const slices = scanner.slices(bytes.length);
  const store = new BatchStore();
  const ordered = new OrderedParts((p) => store.append(p));
  const summaries = [];
  const io = (k) => ({
    read: async (a, b) => bytes.subarray(a, b),
    decoder: () => new TextDecoder('utf-8'),
    onPart: (r) => ordered.push(k, compactPart(r, (csv) => csv)),
    check: () => undefined,
  });
  const indices = slices.map((_, k) => k);
  if (reverse) indices.reverse();
  const errors = [];
  for (const k of indices) {
    const job = { handle, explain, sourceName: 'upload.csv', slice: slices[k], headerBytes: scanner.headerBytes(), step };
    try {
      const { last } = await scoreSlice(m, job, io(k), () => 0);
      summaries[k] = last.summary;
    } catch (e) {
      errors[k] = e.message;
    }
    ordered.finish(k);
  }
  return { store, slices, summary: summaries.length === slices.length ? mergeSummaries(summaries) : null, errors };
}

function sameResult(a, b, what) {
  assert.deepEqual(a.store.header, b.store.header, `${what}: header`);
  assert.equal(a.store.headerCsv, b.store.headerCsv);
  assert.equal(a.store.bodies.join(''), b.store.bodies.join(''), `${what}: output lines differ`);
  assert.deepEqual(Array.from(a.store.rows.toArray()), Array.from(b.store.rows.toArray()), `${what}: row numbers`);
  assert.deepEqual(a.store.rejected, b.store.rejected, `${what}: rejected rows`);
  assert.deepEqual(a.store.warnings, b.store.warnings, `${what}: warnings`);
  for (const [name, col] of a.store.numeric) assert.deepEqual(Array.from(col.toArray()), Array.from(b.store.numeric.get(name).toArray()), name);
  for (const [name, col] of a.store.text) {
    const x = b.store.text.get(name);
    for (let i = 0; i < col.length; i++) assert.equal(col.get(i), x.get(i), name);
  }
  const { mean_abs_shap: ma, ...ca } = a.summary;
  const { mean_abs_shap: mb, ...cb } = b.summary;
  assert.deepEqual(ca, cb, `${what}: counts`);
  if (ma) for (const k of Object.keys(ma)) assert.ok(Math.abs(ma[k] - mb[k]) <= 1e-12 * Math.max(1, Math.abs(ma[k])), `${what}: mean |SHAP| ${k}`);
}

/// The training file with hostile rows: quoted newlines in a non-feature column, "" escapes,
/// a mid-field quote, bad numbers, short rows, blank lines, CRLF line ends in places.
function hostileFile() {
  const lines = dataText.split('\n').filter((l) => l !== '');
  const header = lines[0] + ',note';
  const out = [header];
  const body = lines.slice(1, 400);
  body.forEach((l, i) => {
    let note = 'n' + i;
    if (i % 7 === 0) note = `"line one\nline two, ""quoted""\r\nthree"`;
    if (i % 11 === 0) note = `ab"c`;
    if (i % 13 === 0) note = `"=cmd()"`;
    let row = `${l},${note}`;
    if (i % 17 === 0) row = l; // a field short
    if (i % 19 === 0) row = row.replace(/^[^,]*/, 'not-a-number');
    out.push(row);
    if (i % 23 === 0) out.push('');
  });
  return out.map((l, i) => (i % 5 === 0 ? l + '\r' : l)).join('\n') + '\n';
}

test('slices on record boundaries: the sliced run equals the one-slice run (hostile file)', async () => {
  const bytes = utf8('\ufeff' + hostileFile());
  const one = await scoreSliced(bytes, Infinity);
  assert.equal(one.slices.length, 1);
  assert.ok(one.store.rejectedCount > 10 && one.store.length > 300, `${one.store.length} scored, ${one.store.rejectedCount} rejected`);
  assert.equal(one.summary.rows_in, one.summary.scored + one.summary.rejected);
  for (const sliceBytes of [300, 2000, 9000]) {
    const many = await scoreSliced(bytes, sliceBytes, { reverse: true, step: 777 });
    assert.ok(many.slices.length > 3, `${many.slices.length} slices of ${sliceBytes} bytes`);
    assert.deepEqual(many.errors, []);
    sameResult(many, one, `${sliceBytes}-byte slices`);
  }
  // Without SHAP too.
  sameResult(await scoreSliced(bytes, 1500, { explain: false }), await scoreSliced(bytes, Infinity, { explain: false }), 'no SHAP');
});

test('the kept columns are the output lines\' cells: numbers as Number(cell), text interned', async () => {
  const { store } = await scoreSliced(utf8('\ufeff' + hostileFile()), 2000);
  const body = store.bodies.join('');
  for (const [name, col] of store.numeric) {
    const at = store.header.indexOf(name);
    assert.ok(at >= 0, name);
    const cells = [];
    columnOfRecords(body, at, (c) => cells.push(c));
    assert.equal(cells.length, store.length, name);
    const values = col.toArray();
    const differ = cells.filter((c, i) => !Object.is(c === '' ? NaN : Number(c), values[i]));
    assert.deepEqual(differ, [], name);
  }
  assert.ok(store.numeric.size >= 3 && store.text.size >= 3, `${store.numeric.size} numeric, ${store.text.size} text`);
  for (const [name, col] of store.text) {
    const cells = [];
    columnOfRecords(body, store.header.indexOf(name), (c) => cells.push(c));
    assert.deepEqual(cells.filter((c, i) => c !== col.get(i)), [], name);
  }
});

test('a semicolon file and a file with an open quote at the end', async () => {
  const lines = dataText.split('\n').filter((l) => l !== '').slice(0, 200);
  const semi = utf8(lines.map((l) => parseCsv(l + '\n')[0].map((c) => (c.includes(';') ? `"${c}"` : c)).join(';')).join('\n') + '\n');
  assert.equal(detectDelimiter(semi.subarray(0, semi.indexOf(10) + 1)), 0x3b);
  sameResult(await scoreSliced(semi, 1000), await scoreSliced(semi, Infinity), 'semicolons');
  // An unterminated quote: no cuts are trusted; one slice, the engine's error.
  const open = utf8(lines.join('\n') + '\n' + lines[1] + ',"never closed\nmore\n');
  const r = await scoreSliced(open, 1000);
  assert.equal(r.slices.length, 1);
  assert.match(r.errors[0] ?? '', /never closed/);
  const s = new SliceScanner(1000);
  s.feed(open);
  assert.ok(s.slices(open.length, true).length > 3, 'a reader that handed out slices keeps them');
});

test('a blank first line or a lone-CR file is one slice', () => {
  for (const text of ['\na,b\n1,2\n3,4\n', 'a,b\r1,2\r3,4\r']) {
    const s = new SliceScanner(2);
    s.feed(utf8(text));
    assert.equal(s.slices(text.length).length, 1, JSON.stringify(text));
  }
  const s = new SliceScanner(2);
  s.feed(utf8('a,b\r\n1,2\r\n3,4\r\n'));
  assert.deepEqual(s.slices(15), [{ start: 0, end: 10, pad: 0 }, { start: 10, end: 15, pad: 1 }]);
});
