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

/**
 * One batched query over a group of columns: counts, distinct values, string lengths and parsing.
 * Statistics are multi-column expressions (one JS object per statistic, not per column).
 */
export function columnBasics(
  safe: pl.DataFrame,
  names: readonly string[],
  indexes: readonly number[],
): ColumnBasics[] {
  const families = indexes.map((i) => {
    const dtype = safe.getColumn(alias(i)).dtype;
    return { i, dtype, family: familyOf(dtype) };
  });
  const of = (...wanted: DtypeFamily[]) =>
    families.filter((f) => wanted.includes(f.family)).map((f) => alias(f.i));
  const all = families.map((f) => alias(f.i));
  const simple = of("integer", "float", "boolean", "string", "date", "datetime");
  const floats = of("float");
  const strings = of("string");
  const exprs: pl.Expr[] = [pl.cols(all).nullCount().suffix(":missing")];
  if (simple.length > 0) exprs.push(pl.cols(simple).dropNulls().nUnique().suffix(":distinct"));
  if (floats.length > 0) {
    const x = pl.cols(floats).cast(pl.Float64);
    const f = x.filter(x.isFinite());
    exprs.push(f.sub(f.floor()).abs().max().suffix(":fraction"));
  }
  if (strings.length > 0) {
    const text = pl.cols(strings).cast(pl.Utf8);
    const len = text.str.lengths().cast(pl.Float64); // sum over the raw UInt32 fails in nodejs-polars 0.26
    const sample = text.dropNulls().head(DATE_FORMAT_SAMPLE_ROWS);
    exprs.push(
      len.min().suffix(":lenMin"),
      len.mean().suffix(":lenMean"),
      len.max().suffix(":lenMax"),
      len.sum().suffix(":lenTotal"),
      text.dropNulls().cast(pl.Float64, false).isNotNull().sum().suffix(":numeric"),
      sample.count().suffix(":sampleLen"),
      ...DATE_FORMATS.map((format, f) => parsedDateMs(sample, format).isNotNull().sum().suffix(`:date${f}`)),
    );
  }
  const row = selectRow(safe, exprs);
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
    basics.dateFormat = bestDateFormat(row, alias(i));
    return basics;
  });
}

function bestDateFormat(row: Record<string, unknown>, column: string): ColumnBasics["dateFormat"] {
  const sampleLen = countOf(row[`${column}:sampleLen`]);
  if (sampleLen === 0) return null;
  let best: ColumnBasics["dateFormat"] = null;
  for (const [f, format] of DATE_FORMATS.entries()) {
    const share = countOf(row[`${column}:date${f}`]) / sampleLen;
    if (share > 0 && (!best || share > best.sampleShare)) best = { ...format, sampleShare: share };
  }
  return best;
}
