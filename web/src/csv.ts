/// CSV export that is safe to open in a spreadsheet (OWASP "CSV injection"): a cell that begins
/// with = + - @ tab or CR is prefixed with a single quote, unless the whole cell is a number
/// (so -0.25 stays a number). Cells with a comma, quote or line break are quoted (RFC 4180).

const kNumber = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const kDangerous = /^[=+\-@\t\r]/;

export function neutralise(cell: string): string {
  if (kDangerous.test(cell) && !kNumber.test(cell)) return `'${cell}`;
  return cell;
}

export function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export function toCsv(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => cells.map((c) => quote(neutralise(c))).join(',');
  const out = [line(header)];
  for (const r of rows) out.push(line(r));
  return out.join('\n') + '\n';
}
