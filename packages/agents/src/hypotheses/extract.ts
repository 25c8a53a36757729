import pl from "nodejs-polars";

/** Why a column cannot be used, or null when it can. */
export function missingColumn(df: pl.DataFrame, names: string[]): string | null {
  const absent = names.filter((name) => !df.columns.includes(name));
  return absent.length
    ? `column${absent.length > 1 ? "s" : ""} not in the dataset: ${absent.join(", ")}`
    : null;
}

export function isNumeric(df: pl.DataFrame, name: string): boolean {
  return df.getColumn(name).isNumeric();
}

export function isTemporal(df: pl.DataFrame, name: string): boolean {
  return /Date/.test(String(df.getColumn(name).dtype));
}

/**
 * The listed columns with rows holding a null in any of them dropped — one select, one pass.
 * `dropped` counts the rows removed so results can say so.
 */
export function completeRows(df: pl.DataFrame, names: string[]): { frame: pl.DataFrame; dropped: number } {
  const unique = [...new Set(names)];
  const numericNaNs = unique.filter((name) => /Float/.test(String(df.getColumn(name).dtype)));
  let frame = df.select(...unique).dropNulls();
  if (numericNaNs.length)
    frame = frame.filter(pl.allHorizontal(numericNaNs.map((n) => pl.col(n).isFinite())));
  return { frame, dropped: df.height - frame.height };
}

export function numbers(frame: pl.DataFrame, name: string): Float64Array {
  return Float64Array.from(frame.getColumn(name).cast(pl.Float64).toArray() as number[]);
}

export function labels(frame: pl.DataFrame, name: string): string[] {
  return (frame.getColumn(name).cast(pl.Utf8).toArray() as string[]).map(String);
}

/**
 * A time column as numbers: days since the epoch for Date/Datetime and parseable text, the values
 * themselves for numeric columns. Returns null where text does not parse as dates.
 */
export function timeValues(frame: pl.DataFrame, name: string): { values: Float64Array; unit: string } | null {
  const series = frame.getColumn(name);
  const dtype = String(series.dtype);
  if (/Datetime/.test(dtype)) {
    const ms = series.cast(pl.Datetime("ms")).cast(pl.Float64).toArray() as number[];
    return { values: Float64Array.from(ms, (v) => v / 86_400_000), unit: "day" };
  }
  if (/Date/.test(dtype)) return { values: numbers(frame, name), unit: "day" };
  if (series.isNumeric()) return { values: numbers(frame, name), unit: name };
  const parsed = Float64Array.from(
    series.cast(pl.Utf8).toArray() as string[],
    (v) => Date.parse(v) / 86_400_000,
  );
  return parsed.every(Number.isFinite) ? { values: parsed, unit: "day" } : null;
}

/** Up to `max` indices spread evenly over 0..n−1: a deterministic subsample for O(n²) tests. */
export function evenSample(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}

export function pick(values: ArrayLike<number>, indices: number[]): Float64Array {
  return Float64Array.from(indices, (i) => values[i] as number);
}
