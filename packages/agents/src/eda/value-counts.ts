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
  // text copy of every row would cost more than the counting. Texts are counted as categories:
  // polars then counts small ids, not hashed strings (half the CPU and the memory of the phase).
  const row = selectRow(
    safe,
    small.map(({ index, family }) =>
      (family === "boolean" ? pl.col(alias(index)) : asText(index).cast(pl.Categorical))
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
    const top =
      column.distinct !== column.count
        ? mostFrequent(safe, column.index)
        : ((column.family === "integer" ? smallestIntegerTexts(safe, column.index) : null) ??
          smallestTexts(safe, column.index));
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

/** Integers of fewer digits than this: scaled to this many digits, a double holds them exactly. */
const EXACT_DIGITS = 15;
const POWERS_OF_TEN = Array.from({ length: EXACT_DIGITS + 1 }, (_, k) => 10 ** k);

/** Where an integer's text sorts: negatives ("-…") first, then by digits as if padded right, shorter first. */
interface TextPlace {
  negative: boolean;
  padded: number;
  digits: number;
}

function textPlace(value: number): TextPlace {
  const magnitude = Math.abs(value);
  let digits = 1;
  while (digits < EXACT_DIGITS && magnitude >= (POWERS_OF_TEN[digits] as number)) digits++;
  return {
    negative: value < 0,
    padded: magnitude * (POWERS_OF_TEN[EXACT_DIGITS - digits] as number),
    digits,
  };
}

function textOrder(a: TextPlace, b: TextPlace): number {
  if (a.negative !== b.negative) return a.negative ? -1 : 1;
  return a.padded - b.padded || a.digits - b.digits;
}

/**
 * `smallestTexts` of an integer column without a text per row: the texts' order is computed from
 * the numbers (digits padded right, as text compares them), exact below 10^EXACT_DIGITS; null
 * (so the caller falls back) when a value is that large.
 */
function smallestIntegerTexts(safe: pl.DataFrame, index: number): Record<string, unknown>[] | null {
  const values = safe
    .select(pl.col(alias(index)).cast(pl.Float64).fillNull(Number.NaN))
    .getColumn(alias(index))
    .toTypedArray() as Float64Array;
  const limit = POWERS_OF_TEN[EXACT_DIGITS] as number;
  const top: { value: number; place: TextPlace }[] = [];
  for (let r = 0; r < values.length; r++) {
    const value = values[r] as number;
    if (Number.isNaN(value)) continue;
    if (Math.abs(value) >= limit) return null;
    const place = textPlace(value);
    const last = top[top.length - 1];
    if (top.length === TOP_VALUES && last && textOrder(place, last.place) >= 0) continue;
    let at = top.length;
    while (at > 0 && textOrder(place, (top[at - 1] as { place: TextPlace }).place) < 0) at--;
    top.splice(at, 0, { value, place });
    if (top.length > TOP_VALUES) top.pop();
  }
  return top.map(({ value }) => ({ value: String(value), len: 1 }));
}

function asText(index: number): pl.Expr {
  return pl.col(alias(index)).cast(pl.Utf8);
}

function sortCounts(counts: ValueCount[]): ValueCount[] {
  return counts.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
