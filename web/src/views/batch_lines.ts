/// Reads scored rows back from a batch's compact store (batch/store.ts): the output lines are
/// Blobs, so the table reads only the lines of the page it shows, a sort on an input column reads
/// that column in spans of lines, and the download is the header line and the parts as they are.
import type { BatchStore } from '../batch/store';
import { columnOfRecords, parseCsvLine } from '../batch/store';
import { InternedColumn } from '../batch/columns';
import { cellKeys, rankKeys } from '../batch/table';

/// Bytes read at once when a whole column is read.
const kSpanBytes = 8 << 20;
/// Lines read at once (parallel Blob reads).
const kParallelReads = 256;

export class LineReader {
  private blob: Blob | null = null;

  constructor(private readonly store: BatchStore<Blob>) {}

  /// All output lines in input order (no header), one Blob over the parts.
  private body(): Blob {
    this.blob ??= new Blob(this.store.bodies);
    return this.blob;
  }

  /// The output cells of the rows at store indices `indices` (in that order).
  async rows(indices: number[]): Promise<string[][]> {
    const out: string[][] = [];
    for (let k = 0; k < indices.length; k += kParallelReads) {
      const got = await Promise.all(
        indices.slice(k, k + kParallelReads).map(async (i) => {
          const [a, b] = this.store.lineRange(i);
          return parseCsvLine(await this.body().slice(a, b).text());
        }),
      );
      out.push(...got);
    }
    return out;
  }

  /// Sort keys of output column `col` over every row (numbers, or ranks of strings), read from
  /// the lines in spans of about kSpanBytes.
  async columnKeys(col: number): Promise<Float64Array> {
    const n = this.store.length;
    const cells = new InternedColumn();
    let i = 0;
    while (i < n) {
      const start = this.store.lineRange(i)[0];
      let j = i;
      while (j < n && this.store.lineRange(j)[1] - start <= kSpanBytes) j++;
      if (j === i) j = i + 1; // one line longer than a span
      const end = this.store.lineRange(j - 1)[1];
      columnOfRecords(await this.body().slice(start, end).text(), col, (cell) => cells.push(cell));
      i = j;
    }
    if (cells.length !== n) throw new Error(`read ${cells.length} cells of column ${col} for ${n} rows`);
    // Numbers when every distinct non-empty cell is one; ranks of the strings otherwise.
    const asNumbers = cellKeys(cells.table);
    const numeric = cells.table.every((t) => t === '' || Number.isFinite(Number(t)));
    const codes = cells.codes.toArray();
    if (!numeric) return rankKeys(codes, cells.table);
    const keys = new Float64Array(n);
    for (let r = 0; r < n; r++) keys[r] = asNumbers[codes[r]];
    return keys;
  }

  /// The scored file: the engine's header line and lines, the columns of `loanlens score`.
  download(): Blob {
    return new Blob([this.store.headerCsv, ...this.store.bodies], { type: 'text/csv;charset=utf-8' });
  }
}
