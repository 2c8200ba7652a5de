/// Growable typed columns in fixed-size chunks (pure: no DOM). Appending never copies what is
/// stored; reading a whole column (for a sort) builds one typed array.

const kChunkBits = 16;
const kChunkRows = 1 << kChunkBits;
const kChunkMask = kChunkRows - 1;

type TypedArray = Float64Array | Uint32Array | Uint8Array;
interface TypedCtor<T extends TypedArray> {
  new (n: number): T;
}

export class ChunkedColumn<T extends TypedArray> {
  private readonly chunks: T[] = [];
  length = 0;

  constructor(private readonly ctor: TypedCtor<T>) {}

  push(v: number): void {
    const c = this.length >>> kChunkBits;
    if (c === this.chunks.length) this.chunks.push(new this.ctor(kChunkRows));
    this.chunks[c][this.length & kChunkMask] = v;
    this.length++;
  }

  /// Appends every value of `values` (a typed array or an array).
  pushAll(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.push(values[i]);
  }

  get(i: number): number {
    return this.chunks[i >>> kChunkBits][i & kChunkMask];
  }

  /// All values in one typed array of `length`.
  toArray(): T {
    const out = new this.ctor(this.length);
    for (let c = 0; c < this.chunks.length; c++) {
      const start = c << kChunkBits;
      const n = Math.min(kChunkRows, this.length - start);
      out.set(this.chunks[c].subarray(0, n) as never, start);
    }
    return out;
  }

  /// Bytes held (whole chunks).
  bytes(): number {
    return this.chunks.reduce((s, c) => s + c.byteLength, 0);
  }
}

/// Strings stored once, each row a code into the table (rules, reasons, band).
export class InternedColumn {
  readonly codes = new ChunkedColumn(Uint32Array);
  readonly table: string[] = [];
  private readonly index = new Map<string, number>();

  code(s: string): number {
    let c = this.index.get(s);
    if (c === undefined) {
      c = this.table.length;
      this.table.push(s);
      this.index.set(s, c);
    }
    return c;
  }

  /// The code of `s`, or -1 when no row has it.
  find(s: string): number {
    return this.index.get(s) ?? -1;
  }

  push(s: string): void {
    this.codes.push(this.code(s));
  }

  /// Appends rows given as codes into `table` (a part's own table).
  pushCodes(codes: ArrayLike<number>, table: string[]): void {
    const map = table.map((s) => this.code(s));
    for (let i = 0; i < codes.length; i++) this.codes.push(map[codes[i]]);
  }

  get(i: number): string {
    return this.table[this.codes.get(i)];
  }

  get length(): number {
    return this.codes.length;
  }
}
