import type { ColumnProfile } from "@assay/contracts";
import { pl } from "@assay/datasets";
import { type ColumnBasics, parsedDateMs } from "./basics.js";
import { countOf, finiteOrNull } from "./finite.js";
import { alias, selectRow } from "./safe-frame.js";

export type DateStats = NonNullable<ColumnProfile["dates"]> & { parsed: number };

const DAY_MS = 86_400_000;

/** Range and largest gap between consecutive distinct dates, for date columns and dates stored as text. */
export function dateStats(safe: pl.DataFrame, columns: readonly ColumnBasics[]): Map<number, DateStats> {
  // Text with few distinct values is parsed once per distinct value, not once per row.
  const viaDistinct = columns.filter(
    (c) => c.family === "string" && c.dateFormat && c.distinct * 2 <= c.count,
  );
  const direct = columns.filter((c) => !viaDistinct.includes(c));
  const row = selectRow(
    safe,
    direct.flatMap((c) => {
      const column = pl.col(alias(c.index));
      const ms =
        c.family === "string" && c.dateFormat
          ? parsedDateMs(column.cast(pl.Utf8), c.dateFormat)
          : column.cast(pl.Datetime("ms")).cast(pl.Int64);
      return rangeExprs(ms, ms.isNotNull().sum(), c.index);
    }),
  );
  for (const c of viaDistinct) {
    if (c.dateFormat) Object.assign(row, statsOfDistinctText(safe, c.index, c.dateFormat));
  }
  const result = new Map<number, DateStats>();
  for (const c of columns) {
    const min = finiteOrNull(row[`${c.index}:min`]);
    const max = finiteOrNull(row[`${c.index}:max`]);
    const gap = finiteOrNull(row[`${c.index}:gap`]);
    const dateOnly = c.family === "date" || c.dateFormat?.dtype === "date";
    result.set(c.index, {
      min: isoOrNull(min, dateOnly),
      max: isoOrNull(max, dateOnly),
      largestGapDays: gap === null ? null : gap / DAY_MS,
      parsedFromText: c.family === "string",
      parsed: countOf(row[`${c.index}:parsed`]),
    });
  }
  return result;
}

/** Min, max, largest gap and parsed count, named `<index>:<stat>`. */
function rangeExprs(ms: pl.Expr, parsed: pl.Expr, index: number): pl.Expr[] {
  return [
    ms.min().alias(`${index}:min`),
    ms.max().alias(`${index}:max`),
    ms.dropNulls().unique().sort().diff(1, "ignore").max().alias(`${index}:gap`),
    parsed.alias(`${index}:parsed`),
  ];
}

/** The same statistics of a text column from its distinct values and their counts. */
function statsOfDistinctText(
  safe: pl.DataFrame,
  index: number,
  format: NonNullable<ColumnBasics["dateFormat"]>,
): Record<string, unknown> {
  const name = alias(index);
  const ms = parsedDateMs(pl.col(name).cast(pl.Utf8), format);
  const counted = safe.lazy().select(pl.col(name)).dropNulls().groupBy(name).len();
  const parsed = pl.col("len").filter(ms.isNotNull()).sum();
  return (
    counted
      .select(...rangeExprs(ms, parsed, index))
      .collectSync()
      .toRecords()[0] ?? {}
  );
}

function isoOrNull(ms: number | null, dateOnly: boolean): string | null {
  if (ms === null) return null;
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  return dateOnly ? iso.slice(0, 10) : iso;
}
