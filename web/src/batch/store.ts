/// The scored rows of a batch, kept compactly (pure: no DOM). The engine writes each scored row
/// as `loanlens score` does (one CSV line, its spreadsheet-safe rule); those lines stay as bytes
/// (a Blob per part in the page, never JavaScript strings per cell), with the byte offset of each
/// line. The columns the screen sorts, filters and charts on are typed arrays: numbers as
/// Float64Array, band/rules/reasons as codes into string tables. The table reads the lines of the
/// page it shows; the download is the header line and the parts, in input order.
import type { BatchRejected, BatchSummary } from '../types.ts';
import { ChunkedColumn, InternedColumn } from './columns.ts';

/// Output columns kept as numbers (the engine's cells as numbers; an empty cell becomes NaN).
export const kNumericColumns = ['pd', 'margin', 'points', 'expected_loss', 'rate', 'max_amount'];
/// Output columns kept as interned strings (the engine interns them per part).
export const kTextColumns = ['band', 'rules', 'reason_1', 'reason_2', 'reason_3', 'reason_4'];
/// Rejected rows and warnings listed (with their row numbers) at most; the counts are complete.
export const kMaxListed = 100_000;

export interface RowWarning {
  row: number;
  column: string;
  value: string;
  message: string;
}

/// The engine's reply to batchFeedCsv / batchFinishCsv (bindings.cpp, DrainCsv).
export interface CsvReply {
  header?: string[];
  header_csv?: string;
  csv: string;
  line_bytes: number[];
  rows: number[];
  /// Kept numeric columns: each row's value (null: the cell is not a finite number).
  numeric: Record<string, (number | null)[]>;
  /// Kept text columns, interned by the engine: table[codes[i]] is row i's cell.
  text: Record<string, { table: string[]; codes: number[] }>;
  rejected: BatchRejected[];
  warnings?: RowWarning[];
  summary?: BatchSummary;
}

/// One drained piece of a slice, as the worker hands it to the page (typed arrays transfer).
export interface CompactPart<B = unknown> {
  header?: string[];
  headerCsv?: string;
  rows: Uint32Array;
  lineBytes: Uint32Array;
  numeric: Record<string, Float64Array>;
  text: Record<string, { codes: Uint32Array; table: string[] }>;
  rejected: BatchRejected[];
  warnings: RowWarning[];
  /// The CSV lines of `rows` (a Blob in the page, the engine's text in tests).
  body: B;
  bodyBytes: number;
}

/// Turns an engine reply into a compact part; `body` is what the caller makes of the CSV text.
export function compactPart<B>(reply: CsvReply, body: (csv: string) => B): CompactPart<B> {
  const n = reply.rows.length;
  const numeric: CompactPart['numeric'] = {};
  for (const name of kNumericColumns) {
    const values = reply.numeric[name];
    if (!values) continue;
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = values[i] ?? NaN;
    numeric[name] = v;
  }
  const text: CompactPart['text'] = {};
  for (const name of kTextColumns) {
    const column = reply.text[name];
    if (column) text[name] = { codes: Uint32Array.from(column.codes), table: column.table };
  }
  let bodyBytes = 0;
  for (const b of reply.line_bytes) bodyBytes += b;
  return {
    header: reply.header,
    headerCsv: reply.header_csv,
    rows: Uint32Array.from(reply.rows),
    lineBytes: Uint32Array.from(reply.line_bytes),
    numeric,
    text,
    rejected: reply.rejected,
    warnings: reply.warnings ?? [],
    body: body(reply.csv),
    bodyBytes,
  };
}

/// Summaries of several slices as one: counts add up; mean |SHAP| is weighted by rows scored
/// (the engine's sum over rows, regrouped: equal to one worker's to rounding, ~1e-15 relative).
export function mergeSummaries(parts: BatchSummary[]): BatchSummary {
  const out: BatchSummary = { rows_in: 0, scored: 0, rejected: 0 };
  const sums = new Map<string, number>();
  let explained = false;
  for (const s of parts) {
    out.rows_in += s.rows_in;
    out.scored += s.scored;
    out.rejected += s.rejected;
    if (s.mean_abs_shap) {
      explained = true;
      for (const [k, v] of Object.entries(s.mean_abs_shap)) sums.set(k, (sums.get(k) ?? 0) + v * s.scored);
    }
  }
  if (explained) {
    out.mean_abs_shap = {};
    for (const [k, v] of sums) out.mean_abs_shap[k] = out.scored > 0 ? v / out.scored : 0;
  }
  return out;
}

export class BatchStore<B = unknown> {
  header: string[] = [];
  headerCsv = '';
  /// Input row numbers (spreadsheet rows, header = 1), in input order.
  readonly rows = new ChunkedColumn(Uint32Array);
  /// Byte offset of each row's line in the concatenated parts.
  private readonly lineStart = new ChunkedColumn(Float64Array);
  bodyBytes = 0;
  readonly bodies: B[] = [];
  readonly numeric = new Map<string, ChunkedColumn<Float64Array>>();
  readonly text = new Map<string, InternedColumn>();
  readonly rejected: BatchRejected[] = [];
  readonly warnings: RowWarning[] = [];
  rejectedCount = 0;
  warningCount = 0;

  get length(): number {
    return this.rows.length;
  }

  append(part: CompactPart<B>): void {
    if (part.header && this.header.length === 0) this.header = part.header;
    if (part.headerCsv && !this.headerCsv) this.headerCsv = part.headerCsv;
    const n = part.rows.length;
    this.rows.pushAll(part.rows);
    let offset = this.bodyBytes;
    for (let i = 0; i < n; i++) {
      this.lineStart.push(offset);
      offset += part.lineBytes[i];
    }
    if (offset !== this.bodyBytes + part.bodyBytes) throw new Error('batch part: line lengths do not add up to its bytes');
    this.bodyBytes = offset;
    if (part.bodyBytes > 0) this.bodies.push(part.body);
    for (const [name, v] of Object.entries(part.numeric)) {
      let col = this.numeric.get(name);
      if (!col) this.numeric.set(name, (col = new ChunkedColumn(Float64Array)));
      col.pushAll(v);
    }
    for (const [name, t] of Object.entries(part.text)) {
      let col = this.text.get(name);
      if (!col) this.text.set(name, (col = new InternedColumn()));
      col.pushCodes(t.codes, t.table);
    }
    this.rejectedCount += part.rejected.length;
    this.warningCount += part.warnings.length;
    for (const r of part.rejected) if (this.rejected.length < kMaxListed) this.rejected.push(r);
    for (const w of part.warnings) if (this.warnings.length < kMaxListed) this.warnings.push(w);
  }

  /// Byte range [start, end) of row i's line (its "\n" included).
  lineRange(i: number): [number, number] {
    return [this.lineStart.get(i), i + 1 < this.length ? this.lineStart.get(i + 1) : this.bodyBytes];
  }

  /// Rows per band cell ('approve', 'review', 'decline', and any other).
  bandCounts(): Record<string, number> {
    const out: Record<string, number> = { approve: 0, review: 0, decline: 0 };
    const band = this.text.get('band');
    if (!band) return out;
    const perCode = new Float64Array(band.table.length);
    for (let i = 0; i < band.length; i++) perCode[band.codes.get(i)]++;
    band.table.forEach((name, c) => (out[name] = (out[name] ?? 0) + perCode[c]));
    return out;
  }

  /// Bytes held by the typed columns (the lines themselves are in the parts).
  columnBytes(): number {
    let s = this.rows.bytes() + this.lineStart.bytes();
    for (const c of this.numeric.values()) s += c.bytes();
    for (const c of this.text.values()) s += c.codes.bytes();
    return s;
  }
}

/// Parts of several slices arriving in any order, handed on in input order: a slice's parts
/// are held until every earlier slice has finished.
export class OrderedParts<P> {
  private current = 0;
  private readonly held = new Map<number, { parts: P[]; done: boolean }>();

  constructor(private readonly sink: (part: P) => void) {}

  push(slice: number, part: P): void {
    if (slice === this.current) this.sink(part);
    else this.slot(slice).parts.push(part);
  }

  finish(slice: number): void {
    this.slot(slice).done = true;
    while (this.held.get(this.current)?.done) {
      this.held.delete(this.current);
      this.current++;
      const next = this.held.get(this.current);
      if (next) {
        for (const p of next.parts) this.sink(p);
        next.parts = [];
      }
    }
  }

  /// Slices handed on completely.
  get finished(): number {
    return this.current;
  }

  private slot(slice: number) {
    let s = this.held.get(slice);
    if (!s) this.held.set(slice, (s = { parts: [], done: false }));
    return s;
  }
}

/// The fields of one CSV record (RFC 4180, ',' as the engine writes its output; a trailing
/// line end is ignored).
export function parseCsvLine(line: string): string[] {
  let end = line.length;
  if (end && line.charCodeAt(end - 1) === 10) end--;
  if (end && line.charCodeAt(end - 1) === 13) end--;
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let cell = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0 || q >= end) {
          cell += line.slice(i, end);
          i = end;
          break;
        }
        cell += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const comma = line.indexOf(',', i);
      const stop = comma < 0 || comma >= end ? end : comma;
      out.push(cell + line.slice(i, stop));
      if (stop === end) return out;
      i = stop + 1;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0 || comma >= end) {
        out.push(line.slice(i, end));
        return out;
      }
      out.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}

/// Calls `out` with field `col` of every record in `text` (whole CSV records as the engine
/// writes them, ',' separated, quoted fields with "" and line breaks inside).
export function columnOfRecords(text: string, col: number, out: (cell: string) => void): void {
  let i = 0;
  const n = text.length;
  while (i < n) {
    let field = 0;
    let cell = '';
    for (;;) {
      // One field starting at i.
      let value: string;
      if (text.charCodeAt(i) === 34) {
        value = '';
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            value += text.slice(i);
            i = n;
            break;
          }
          value += text.slice(i, q);
          if (text.charCodeAt(q + 1) === 34) {
            value += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        // Text after the closing quote up to the delimiter (the engine never writes any).
        while (i < n && text.charCodeAt(i) !== 44 && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) value += text[i++];
      } else {
        let j = i;
        while (j < n && text.charCodeAt(j) !== 44 && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
        value = field === col ? text.slice(i, j) : '';
        i = j;
      }
      if (field === col) cell = value;
      field++;
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      // End of record: CRLF, LF, CR or end of text.
      if (c === 13) i++;
      if (text.charCodeAt(i) === 10) i++;
      break;
    }
    out(cell);
  }
}
