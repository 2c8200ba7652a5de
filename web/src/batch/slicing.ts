/// Cuts a CSV file into slices on record boundaries for several engine workers (pure: no DOM).
///
/// The scanner runs the state machine of the engine's CSV reader (wasm/src/data/csv.cpp,
/// CsvParser::Consume) over the bytes: a quote opens a quoted field only at the start of a field,
/// "" inside quotes is a literal quote, a quote in the middle of an unquoted field is literal, and
/// line ends are CR, LF or CRLF. The delimiter is detected from the header line as the engine does
/// (DetectDelimiter: the most frequent of ',', ';', tab outside quotes; ',' when none). A slice
/// starts right after an LF outside quotes, where the engine's reader ends a record.
///
/// Each worker after the first is fed the header line, then `pad` empty lines, then its slice:
/// the engine skips blank lines but counts them, so its row numbers (and the row numbers inside
/// its messages) are those of the whole file. `pad` = physical lines before the slice minus the
/// header's lines, counted as the engine counts them (CR, or LF not right after a CR).
///
/// Anything unusual (a BOM-less blank first line, a lone-CR header end, a header line over
/// 1 MiB, a file that ends inside quotes) gives no cuts: one slice, which is exactly the
/// one-worker run. A cut placed inside a quoted field would show as an "unterminated quoted
/// field" error of that slice's worker; the pool then scores the file again on one worker.

export interface Slice {
  /// Byte range [start, end) of the file; slice 0 starts at 0 and includes the header.
  start: number;
  end: number;
  /// Empty lines to feed after the header (0 for slice 0, which is fed alone).
  pad: number;
}

const kLf = 0x0a;
const kCr = 0x0d;
const kQuote = 0x22;
const kMaxHeaderLine = 1 << 20;

/// The engine's DetectDelimiter over the header line bytes (BOM stripped).
export function detectDelimiter(line: Uint8Array): number {
  let comma = 0;
  let semicolon = 0;
  let tab = 0;
  let quoted = false;
  let prev = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    quoted = headerQuoteStep(quoted, prev, c);
    prev = c;
    if (quoted || c === kQuote) continue;
    if (c === 0x2c) comma++;
    if (c === 0x3b) semicolon++;
    if (c === 0x09) tab++;
  }
  if (tab > comma && tab > semicolon) return 0x09;
  if (semicolon > comma) return 0x3b;
  return 0x2c;
}

/// HeaderQuoteStep of csv.cpp: the quote state while the header line is buffered.
function headerQuoteStep(quoted: boolean, prev: number, c: number): boolean {
  if (c !== kQuote) return quoted;
  const fieldStart = prev === 0 || prev === kCr || prev === kLf || prev === 0x2c || prev === 0x3b || prev === 0x09;
  return quoted || fieldStart || prev === kQuote ? !quoted : quoted;
}

/**
 * Feed the file's bytes in order (blocks of any size); `cuts()` then lists the slices. A cut is
 * placed at the first record boundary at least `sliceBytes` after the previous one.
 */
export class SliceScanner {
  private pos = 0; // absolute offset of the next byte
  private lines = 0; // physical line ends seen so far
  private ok = true;
  private bomChecked = false;
  private headerLine: number[] | null = []; // buffered until the delimiter is known
  private headerQuote = false;
  private delimiter = 0x2c;
  // The reader's state machine.
  private inQuotes = false;
  private quotePending = false;
  private fieldStarted = false; // field_ not empty or field_was_quoted_
  private afterCr = false;
  private recordsEnded = 0;
  private headerEnd = -1; // first cut: the end of the header record
  private headerLines = 0;
  private readonly found: { offset: number; lines: number }[] = [];
  private lastCut = 0;

  constructor(private readonly sliceBytes: number) {}

  feed(bytes: Uint8Array): void {
    let i = 0;
    if (!this.bomChecked) {
      // The header's first bytes arrive in the first block (a block shorter than 3 bytes at the
      // start of a file is not split further by the page).
      this.bomChecked = true;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
      if (bytes[i] === kCr || bytes[i] === kLf) this.ok = false; // blank first line: no slicing
      this.pos += i;
    }
    if (!this.ok) {
      this.pos += bytes.length - i;
      return;
    }
    for (; i < bytes.length; i++) {
      const c = bytes[i];
      if (this.headerLine) {
        this.bufferHeader(c);
        if (!this.ok) {
          this.pos += bytes.length - i;
          return;
        }
        continue;
      }
      this.consume(c);
      this.pos++;
    }
  }

  /// The slices of the file (`size` bytes, all of it fed; or the part fed so far, the last slice
  /// then still growing). One slice when nothing could be cut, or when the file ends inside
  /// quotes, unless `evenIfOpen` (a reader that already handed out slices: the last slice's
  /// worker then reports the unterminated quote).
  slices(size: number, evenIfOpen = false): Slice[] {
    if (!this.ok || (this.inQuotes && !evenIfOpen) || this.headerEnd < 0 || this.found.length === 0) return [{ start: 0, end: size, pad: 0 }];
    const out: Slice[] = [];
    let start = 0;
    let pad = 0;
    for (const cut of this.found) {
      if (cut.offset >= size) break;
      out.push({ start, end: cut.offset, pad });
      start = cut.offset;
      pad = cut.lines - this.headerLines;
    }
    out.push({ start, end: size, pad });
    return out;
  }

  /// Byte length of the header part fed before each later slice (-1 when unknown).
  headerBytes(): number {
    return this.headerEnd;
  }

  private bufferHeader(c: number): void {
    const line = this.headerLine!;
    this.headerQuote = headerQuoteStep(this.headerQuote, line.length ? line[line.length - 1] : 0, c);
    line.push(c);
    if ((c === kCr || c === kLf) && !this.headerQuote) {
      // The line is complete: detect the delimiter, then run the machine over it.
      const bytes = Uint8Array.from(line);
      this.delimiter = detectDelimiter(bytes);
      this.headerLine = null;
      for (const b of bytes) {
        this.consume(b);
        this.pos++;
      }
    } else if (line.length > kMaxHeaderLine) {
      this.ok = false;
    }
  }

  /// One byte through CsvParser::Consume (line counting and record ends only).
  private consume(c: number): void {
    if (this.quotePending) {
      this.quotePending = false;
      if (c === kQuote) return; // "" inside quotes
      this.inQuotes = false;
    }
    if (this.inQuotes) {
      if (c === kQuote) {
        this.quotePending = true;
        this.afterCr = false;
        return;
      }
      if (c === kCr) {
        this.lines++;
        this.afterCr = true;
      } else if (c === kLf) {
        if (!this.afterCr) this.lines++;
        this.afterCr = false;
      } else this.afterCr = false;
      return;
    }
    if (c === kLf && this.afterCr) {
      this.afterCr = false;
      this.boundary();
      return;
    }
    this.afterCr = false;
    if (c === this.delimiter) {
      this.fieldStarted = false;
      return;
    }
    if (c === kCr || c === kLf) {
      this.recordsEnded++;
      this.fieldStarted = false;
      this.afterCr = c === kCr;
      this.lines++;
      if (c === kLf) this.boundary();
      return;
    }
    if (c === kQuote && !this.fieldStarted) {
      this.inQuotes = true;
      this.fieldStarted = true;
      return;
    }
    this.fieldStarted = true;
  }

  /// An LF outside quotes has just been consumed (at this.pos): a record starts after it.
  private boundary(): void {
    const offset = this.pos + 1;
    if (this.headerEnd < 0) {
      // The header must be the only record before the first cut (a lone-CR line end would
      // otherwise have ended it earlier).
      if (this.recordsEnded !== 1) {
        this.ok = false;
        return;
      }
      this.headerEnd = offset;
      this.headerLines = this.lines;
      this.lastCut = offset;
      return;
    }
    if (offset - this.lastCut >= this.sliceBytes) {
      this.found.push({ offset, lines: this.lines });
      this.lastCut = offset;
    }
  }
}
