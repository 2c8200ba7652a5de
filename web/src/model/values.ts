/// Reading the bundle summary's loosely typed values (pure: no DOM): a number only when it is a
/// finite number, an array only when every element is a number.

export function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

export function numArray(x: unknown): number[] | undefined {
  return Array.isArray(x) && x.every((v) => typeof v === 'number') ? (x as number[]) : undefined;
}
