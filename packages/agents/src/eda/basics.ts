import pl from "nodejs-polars";
import { type DtypeFamily, dtypeName, familyOf } from "./dtype-family.js";
import { countOf, finiteOrNull } from "./finite.js";
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

/** A text column parsed as dates with a format, as epoch milliseconds. */
export function parsedDateMs(
  column: pl.Expr,
  format: { format: string; dtype: "date" | "datetime" },
): pl.Expr {
  const parsed =
    format.dtype === "date"
      ? column.str.strptime(pl.Date, format.format)
      : column.str.strptime(pl.Datetime("ms"), format.format);
  return parsed.cast(pl.Datetime("ms")).cast(pl.Int64);
}

/** One batched query over all columns of a group: counts, distinct values, string lengths and parsing. */
export function columnBasics(
  safe: pl.DataFrame,
  names: readonly string[],
  indexes: readonly number[],
): ColumnBasics[] {
  const exprs: pl.Expr[] = [];
  const families = indexes.map((i) => {
    const dtype = safe.getColumn(alias(i)).dtype;
    return { dtype, family: familyOf(dtype) };
  });
  indexes.forEach((i, k) => {
    const c = pl.col(alias(i));
    const family = families[k]?.family;
    exprs.push(c.nullCount().alias(`${i}:missing`));
    if (family === "other" || family === "null") return;
    exprs.push(c.dropNulls().nUnique().alias(`${i}:distinct`));
    if (family !== "string") return;
    const text = c.cast(pl.Utf8);
    const len = text.str.lengths().cast(pl.Float64); // sum over the raw UInt32 fails in nodejs-polars 0.26
    exprs.push(
      len.min().alias(`${i}:lenMin`),
      len.mean().alias(`${i}:lenMean`),
      len.max().alias(`${i}:lenMax`),
      len.sum().alias(`${i}:lenTotal`),
      text.dropNulls().cast(pl.Float64, false).isNotNull().sum().alias(`${i}:numeric`),
    );
    const sample = text.dropNulls().head(DATE_FORMAT_SAMPLE_ROWS);
    DATE_FORMATS.forEach((format, f) => {
      exprs.push(parsedDateMs(sample, format).isNotNull().sum().alias(`${i}:date${f}`));
    });
    exprs.push(sample.count().alias(`${i}:sampleLen`));
  });
  const row = selectRow(safe, exprs);
  const rows = safe.height;
  return indexes.map((i, k) => {
    const { dtype, family } = families[k] ?? {
      dtype: safe.getColumn(alias(i)).dtype,
      family: "other" as const,
    };
    const missing = countOf(row[`${i}:missing`]);
    const count = rows - missing;
    const basics: ColumnBasics = {
      index: i,
      name: names[i] ?? alias(i),
      dtype: dtypeName(dtype),
      variant: dtype.variant,
      family,
      count,
      missing,
      distinct: countOf(row[`${i}:distinct`]),
    };
    if (family !== "string") return basics;
    basics.lengths = {
      min: finiteOrNull(row[`${i}:lenMin`]),
      mean: finiteOrNull(row[`${i}:lenMean`]),
      max: finiteOrNull(row[`${i}:lenMax`]),
      total: countOf(row[`${i}:lenTotal`]),
    };
    basics.numericShare = count > 0 ? countOf(row[`${i}:numeric`]) / count : 0;
    basics.dateFormat = bestDateFormat(row, i);
    return basics;
  });
}

function bestDateFormat(row: Record<string, unknown>, index: number): ColumnBasics["dateFormat"] {
  const sampleLen = countOf(row[`${index}:sampleLen`]);
  if (sampleLen === 0) return null;
  let best: ColumnBasics["dateFormat"] = null;
  for (const [f, format] of DATE_FORMATS.entries()) {
    const share = countOf(row[`${index}:date${f}`]) / sampleLen;
    if (share > 0 && (!best || share > best.sampleShare)) best = { ...format, sampleShare: share };
  }
  return best;
}
