import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { valueCounts } from "./value-counts.js";

/** The ten smallest texts of distinct integers, as text sorts them. */
function smallestAsText(values: readonly number[]): string[] {
  return values.map(String).sort().slice(0, 10);
}

function topOf(values: readonly (number | null)[]): string[] {
  const present = values.filter((v) => v !== null).length;
  const df = pl.DataFrame([pl.Series("c0", [...values], pl.Int64)]);
  const counts = valueCounts(df, [{ index: 0, distinct: present, count: present, family: "integer" }]);
  return counts.get(0)?.counts.map((c) => c.value) ?? [];
}

describe("value counts of an all-distinct integer column", () => {
  it("lists the smallest texts, not the smallest numbers (negatives, zero, prefixes, nulls)", () => {
    const values = Array.from({ length: 3_000 }, (_, i) => (i % 7 === 1 ? -i : i * 37 + 5));
    values.push(0, 1, 10, 100, 19, 1_000_000);
    expect(topOf([...values, null])).toEqual(smallestAsText(values));
  });

  it("falls back to text for integers of 15 digits or more", () => {
    const values = Array.from({ length: 2_000 }, (_, i) => 1e15 + i * 999);
    expect(topOf(values)).toEqual(smallestAsText(values));
  });
});
