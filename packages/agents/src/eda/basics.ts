import { pl } from "@assay/datasets";
import { type DtypeFamily, dtypeName, familyOf } from "./dtype-family.js";
import { countOf, finiteOrNull } from "./finite.js";
import { releaseDropped } from "./release-dropped.js";
import { alias, selectRow } from "./safe-frame.js";
import { DATE_FORMAT_SAMPLE_ROWS } from "./thresholds.js";

/** What the first pass learns about every column. */
export interface ColumnBasics {
  index: number;
  name: string;
  dtype: string;
  variant: string;
  family: DtypeFamily;
  /** Non-missing values. */
  count: number;
  missing: number;
  /** Distinct non-missing values. */
  distinct: number;
  /** Numbers only: every finite value is a whole number (JSON numbers arrive as Float64). */
  integral?: boolean;
  /** Strings only: length in characters. */
  lengths?: { min: number | null; mean: number | null; max: number | null; total: number };
  /** Strings only: share of non-missing values that cast to a number. */
  numericShare?: number;
  /** Strings only: the best date format on the first non-missing values, and its parse share there. */
  dateFormat?: { format: string; dtype: "date" | "datetime"; sampleShare: number } | null;
}

/** Formats tried on text columns; exact matches only (polars strptime with exact=true). */
export const DATE_FORMATS: readonly { format: string; dtype: "date" | "datetime" }[] = [
  { format: "%Y-%m-%d", dtype: "date" },
  { format: "%Y/%m/%d", dtype: "date" },
  { format: "%m/%d/%Y", dtype: "date" },
  { format: "%d/%m/%Y", dtype: "date" },
  { format: "%d.%m.%Y", dtype: "date" },
  { format: "%Y-%m-%dT%H:%M:%S", dtype: "datetime" },
  { format: "%Y-%m-%d %H:%M:%S", dtype: "datetime" },
  { format: "%Y-%m-%dT%H:%M:%S%.f", dtype: "datetime" },
  { format: "%Y-%m-%dT%H:%M:%S%.fZ", dtype: "datetime" },
  { format: "%Y-%m-%dT%H:%M:%SZ", dtype: "datetime" },
  { format: "%Y-%m-%d %H:%M", dtype: "datetime" },
  { format: "%Y/%m/%d %H:%M", dtype: "datetime" },
  { format: "%m/%d/%Y %H:%M", dtype: "datetime" },
];

/** A text column parsed as dates with a format (null where it does not fit). */
function parsedDate(column: pl.Expr, format: { format: string; dtype: "date" | "datetime" }): pl.Expr {
  return format.dtype === "date"
    ? column.str.strptime(pl.Date, format.format)
    : column.str.strptime(pl.Datetime("ms"), format.format);
}

/** A text column parsed as dates with a format, as epoch milliseconds. */
export function parsedDateMs(
  column: pl.Expr,
  format: { format: string; dtype: "date" | "datetime" },
): pl.Expr {
  return parsedDate(column, format).cast(pl.Datetime("ms")).cast(pl.Int64);
}

/**
 * Counts, distinct values, string lengths and parsing of a group of columns. Statistics are
 * multi-column expressions (one JS object per statistic, not per column), each its own query with
 * its copies released before the next (`releaseDropped`): in one query polars would run them all
 * at once, and their copies of the columns add up (1M×8: +100 MB of peak memory).
 */
export async function columnBasics(
  safe: pl.DataFrame,
  names: readonly string[],
  indexes: readonly number[],
): Promise<ColumnBasics[]> {
  const dtypes = safe.dtypes;
  const families = indexes.map((i) => {
    const dtype = dtypes[i] as pl.DataType;
    return { i, dtype, family: familyOf(dtype) };
  });
  const of = (...wanted: DtypeFamily[]) =>
    families.filter((f) => wanted.includes(f.family)).map((f) => alias(f.i));
  const all = families.map((f) => alias(f.i));
  const simple = of("integer", "float", "boolean", "string", "date", "datetime");
  const floats = of("float");
  const strings = of("string");
  // One query per statistic (the length statistics share theirs).
  const queries: pl.Expr[][] = [[pl.cols(all).nullCount().suffix(":missing")]];
  if (simple.length > 0) queries.push([pl.cols(simple).dropNulls().nUnique().suffix(":distinct")]);
  if (floats.length > 0) {
    const x = pl.cols(floats).cast(pl.Float64);
    const f = x.filter(x.isFinite());
    queries.push([f.sub(f.floor()).abs().max().suffix(":fraction")]);
  }
  if (strings.length > 0) {
    const text = pl.cols(strings).cast(pl.Utf8);
    const len = text.str.lengths().cast(pl.Float64); // sum over the raw UInt32 fails in nodejs-polars 0.26
    queries.push(
      [
        len.min().suffix(":lenMin"),
        len.mean().suffix(":lenMean"),
        len.max().suffix(":lenMax"),
        len.sum().suffix(":lenTotal"),
      ],
      // A missing value casts to null, so no copy of the non-missing values is needed to count numbers.
      [text.cast(pl.Float64, false).isNotNull().sum().suffix(":numeric")],
    );
  }
  const row: Record<string, unknown> = {};
  for (const exprs of queries) {
    Object.assign(row, selectRow(safe, exprs));
    await releaseDropped();
  }
  const dates = dateFormatCounts(safe, strings);
  const rows = safe.height;
  return families.map(({ i, dtype, family }) => {
    const key = (stat: string) => `${alias(i)}:${stat}`;
    const missing = countOf(row[key("missing")]);
    const count = rows - missing;
    const basics: ColumnBasics = {
      index: i,
      name: names[i] ?? alias(i),
      dtype: dtypeName(dtype),
      variant: dtype.variant,
      family,
      count,
      missing,
      distinct: countOf(row[key("distinct")]),
    };
    if (family === "integer") basics.integral = true;
    if (family === "float") basics.integral = finiteOrNull(row[key("fraction")]) === 0;
    if (family !== "string") return basics;
    basics.lengths = {
      min: finiteOrNull(row[key("lenMin")]),
      mean: finiteOrNull(row[key("lenMean")]),
      max: finiteOrNull(row[key("lenMax")]),
      total: countOf(row[key("lenTotal")]),
    };
    basics.numericShare = count > 0 ? countOf(row[key("numeric")]) / count : 0;
    basics.dateFormat = bestDateFormat(dates, alias(i));
    return basics;
  });
}

/**
 * The first `size` non-missing values of each text column, as JS strings, from head slices that
 * grow until they hold enough: slices share the columns' memory, so only the samples are copied.
 * One query for all columns (lists of one row), not a handful of Series per column.
 */
function leadingTexts(safe: pl.DataFrame, strings: readonly string[], size: number): Map<string, string[]> {
  const samples = new Map<string, string[]>();
  let pending = [...strings];
  for (let window = size; pending.length > 0; window *= 4) {
    const row = selectRow(safe, [
      pl.cols(pending).cast(pl.Utf8).slice(0, window).dropNulls().head(size).implode(),
    ]);
    for (const name of pending) samples.set(name, (row[name] ?? []) as string[]);
    pending = window >= safe.height ? [] : pending.filter((name) => (samples.get(name)?.length ?? 0) < size);
  }
  return samples;
}

interface DateFormatCounts {
  /** Per column: how many values the sample holds. */
  sampleLengths: Map<string, number>;
  /** `<column>:date<f>`: how many sample values DATE_FORMATS[f] parses. */
  parsed: Record<string, unknown>;
}

/**
 * A format can parse a value only if the value holds a digit and every literal character of the
 * format (whitespace aside, which the parser may skip): a check in JS that leaves out most
 * format–column pairs before polars, where each expression node costs about a millisecond.
 */
function couldParse(value: string, format: string): boolean {
  const literals = format.replace(/%\.f|%./g, "").replace(/\s/g, "");
  return /\d/.test(value) && [...literals].every((c) => value.includes(c));
}

/**
 * The formats that could parse some sample value, tried on one sample per text column, batched
 * into one frame (shorter samples padded with nulls, which parse as nothing) and one query.
 */
function dateFormatCounts(safe: pl.DataFrame, strings: string[]): DateFormatCounts {
  const samples = leadingTexts(safe, strings, DATE_FORMAT_SAMPLE_ROWS);
  const sampleLengths = new Map([...samples].map(([name, values]) => [name, values.length]));
  const height = Math.max(0, ...sampleLengths.values());
  const exprs = DATE_FORMATS.flatMap((format, f) => {
    const columns = strings.filter((name) => samples.get(name)?.some((v) => couldParse(v, format.format)));
    return columns.length > 0
      ? [parsedDate(pl.cols(columns), format).isNotNull().sum().suffix(`:date${f}`)]
      : [];
  });
  if (height === 0 || exprs.length === 0) return { sampleLengths, parsed: {} };
  const padded = [...samples].map(([name, values]) =>
    pl.Series(name, [...values, ...Array<null>(height - values.length).fill(null)], pl.Utf8),
  );
  return { sampleLengths, parsed: selectRow(pl.DataFrame(padded), exprs) };
}

function bestDateFormat(counts: DateFormatCounts, column: string): ColumnBasics["dateFormat"] {
  const sampleLen = counts.sampleLengths.get(column) ?? 0;
  if (sampleLen === 0) return null;
  let best: ColumnBasics["dateFormat"] = null;
  for (const [f, format] of DATE_FORMATS.entries()) {
    const share = countOf(counts.parsed[`${column}:date${f}`]) / sampleLen;
    if (share > 0 && (!best || share > best.sampleShare)) best = { ...format, sampleShare: share };
  }
  return best;
}
