import type { ColumnProfile } from "@assay/contracts";
import pl from "nodejs-polars";
import { type ColumnBasics, parsedDateMs } from "./basics.js";
import { countOf, finiteOrNull } from "./finite.js";
import { alias, selectRow } from "./safe-frame.js";

export type DateStats = NonNullable<ColumnProfile["dates"]> & { parsed: number };

const DAY_MS = 86_400_000;

/** Range and largest gap between consecutive distinct dates, for date columns and dates stored as text. */
export function dateStats(safe: pl.DataFrame, columns: readonly ColumnBasics[]): Map<number, DateStats> {
  const plans = columns.map((c) => {
    const column = pl.col(alias(c.index));
    const ms =
      c.family === "string" && c.dateFormat
        ? parsedDateMs(column.cast(pl.Utf8), c.dateFormat)
        : column.cast(pl.Datetime("ms")).cast(pl.Int64);
    return { c, ms };
  });
  const row = selectRow(
    safe,
    plans.flatMap(({ c, ms }) => [
      ms.min().alias(`${c.index}:min`),
      ms.max().alias(`${c.index}:max`),
      ms.dropNulls().unique().sort().diff(1, "ignore").max().alias(`${c.index}:gap`),
      ms.isNotNull().sum().alias(`${c.index}:parsed`),
    ]),
  );
  const result = new Map<number, DateStats>();
  for (const { c } of plans) {
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

function isoOrNull(ms: number | null, dateOnly: boolean): string | null {
  if (ms === null) return null;
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  return dateOnly ? iso.slice(0, 10) : iso;
}
