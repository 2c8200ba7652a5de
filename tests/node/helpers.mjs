// Shared helpers for the node tests of the real WebAssembly module (web/src/wasm/loanlens.mjs).
import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
export const cli = process.env.LOANLENS ?? join(repo, 'build/native/loanlens');

/// Loads the module the web app bundles. It is built for web/worker, so node gets the bytes
/// directly ({wasmBinary}): node's fetch cannot read file:// URLs (TOOLCHAIN G2).
export async function loadEngine() {
  const wasmPath = join(repo, 'web/src/wasm/loanlens.wasm');
  if (!existsSync(wasmPath)) throw new Error(`${wasmPath} is missing: build the wasm first (scripts/build)`);
  const { default: createLoanLens } = await import(join(repo, 'web/src/wasm/loanlens.mjs'));
  const wasmBinary = await readFile(wasmPath);
  return createLoanLens({ wasmBinary });
}

/// The bundles shipped in models/ (models/*.json).
export async function shippedBundles() {
  const dir = join(repo, 'models');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json') && f !== 'index.json').sort();
  return files.map((f) => join(dir, f));
}

/// RFC 4180 CSV -> array of records (arrays of strings). Handles quotes, "" escapes, CRLF.
export function parseCsv(text) {
  const records = [];
  let rec = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      rec.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      rec.push(cell);
      records.push(rec);
      rec = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || rec.length > 0) {
    rec.push(cell);
    records.push(rec);
  }
  return records;
}

export function parseJson(text) {
  return JSON.parse(text);
}

/// Feeds CSV text to a batch in chunks of `chunkChars` characters and returns everything.
export function runBatch(m, handle, text, { explain = true, chunkChars = 1 << 20, source = 'test.csv' } = {}) {
  const id = m.batchOpen(handle, explain, source);
  if (id <= 0) throw new Error('batchOpen failed');
  const out = { header: null, rows: [], rejected: [], warnings: [], summary: null };
  const take = (j) => {
    if (j.error) throw new Error(j.error);
    if (j.header) out.header = j.header;
    out.rows.push(...j.rows);
    out.rejected.push(...j.rejected);
    out.warnings.push(...(j.warnings ?? []));
    if (j.summary) out.summary = j.summary;
  };
  try {
    for (let off = 0; off < text.length; off += chunkChars) take(JSON.parse(m.batchFeed(id, text.slice(off, off + chunkChars))));
    take(JSON.parse(m.batchFinish(id)));
  } finally {
    m.batchClose(id);
  }
  return out;
}

/// Compares two cells: numbers within `tol` (absolute), anything else exactly.
export function cellDiff(a, b) {
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return Math.abs(na - nb);
  return a === b ? 0 : Infinity;
}

/// The header and the first `n` records of CSV text (quote-aware: a quoted newline does not end a
/// record), each ending in a newline.
export function csvPrefix(text, n) {
  let quoted = false;
  let records = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted; // '"' (an escaped "" toggles twice)
    else if (c === 10 && !quoted && ++records === n + 1) return text.slice(0, i + 1);
  }
  return text.endsWith('\n') ? text : text + '\n';
}
