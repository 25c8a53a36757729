import type { ValueCount } from "@assay/contracts";
import { pl } from "@assay/datasets";
import type { DtypeFamily } from "./dtype-family.js";
import { countOf } from "./finite.js";
import { alias, selectRow } from "./safe-frame.js";
import { TOP_VALUES } from "./thresholds.js";

/** Distinct values up to which every count is fetched (enough for entropy and uniformity). */
const FULL_COUNTS_MAX_DISTINCT = 1_000;

export interface ValueCounts {
  /** Most frequent first, ties by value; all values when distinct ≤ FULL_COUNTS_MAX_DISTINCT. */
  counts: ValueCount[];
  complete: boolean;
}

/**
 * Value counts of a group of columns: one batched query for columns with few distinct values;
 * a sorted group-by for each high-cardinality column (so the top values are deterministic).
 */
export function valueCounts(
  safe: pl.DataFrame,
  columns: readonly { index: number; distinct: number; count: number; family: DtypeFamily }[],
): Map<number, ValueCounts> {
  const result = new Map<number, ValueCounts>();
  const small = columns.filter((c) => c.distinct <= FULL_COUNTS_MAX_DISTINCT);
  // Booleans are counted as they are (their text, "true"/"false", is String() of the value): a
  // text copy of every row would cost more than the counting.
  const row = selectRow(
    safe,
    small.map(({ index, family }) =>
      (family === "boolean" ? pl.col(alias(index)) : asText(index))
        .dropNulls()
        .valueCounts()
        .implode()
        .alias(`${index}:vc`),
    ),
  );
  for (const { index } of small) {
    const entries = (row[`${index}:vc`] ?? []) as Record<string, unknown>[];
    const counts = entries.map((e) => ({ value: String(e[alias(index)]), count: countOf(e.count) }));
    result.set(index, { counts: sortCounts(counts), complete: true });
  }
  for (const column of columns.filter((c) => c.distinct > FULL_COUNTS_MAX_DISTINCT)) {
    const top = (column.distinct === column.count ? smallestTexts : mostFrequent)(safe, column.index);
    result.set(column.index, {
      counts: top.map((r) => ({ value: String(r.value), count: countOf(r.len) })),
      complete: false,
    });
  }
  return result;
}

/**
 * Top values by count, ties by text. Grouped on the column's own type, then only the groups are
 * cast to text; lazily, so the sort followed by head runs as a top-k instead of sorting every group.
 */
function mostFrequent(safe: pl.DataFrame, index: number): Record<string, unknown>[] {
  return safe
    .lazy()
    .select(pl.col(alias(index)).alias("value"))
    .dropNulls()
    .groupBy("value")
    .len()
    .select(pl.col("value").cast(pl.Utf8), pl.col("len"))
    .sort(["len", "value"], [true, false])
    .head(TOP_VALUES)
    .collectSync()
    .toRecords();
}

/**
 * The same answer when every value is distinct: each count is 1, so the top values are the
 * smallest texts; a top-k over the values, with no group-by building a group per row.
 */
function smallestTexts(safe: pl.DataFrame, index: number): Record<string, unknown>[] {
  return safe
    .lazy()
    .select(asText(index).alias("value"), pl.lit(1).alias("len"))
    .dropNulls()
    .sort("value")
    .head(TOP_VALUES)
    .collectSync()
    .toRecords();
}

function asText(index: number): pl.Expr {
  return pl.col(alias(index)).cast(pl.Utf8);
}

function sortCounts(counts: ValueCount[]): ValueCount[] {
  return counts.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
