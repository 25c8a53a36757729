import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { profile } from "./profile.js";

/*
 * Expected values from an outside oracle: numpy 2.4.6 and scipy 1.17.1 (Debian python3-numpy,
 * python3-scipy), computed on exactly these arrays:
 *   x.mean(), x.std(ddof=1), np.percentile(x, [5, 25, 50, 75, 95]) (linear),
 *   scipy.stats.skew(x, bias=False), scipy.stats.kurtosis(x, fisher=True, bias=False),
 *   scipy.stats.pearsonr(x, y), scipy.stats.spearmanr(x, y) (average ranks for the tie in y),
 *   scipy.stats.contingency.association(crosstab(a, b).count, method="cramer"),
 *   np.histogram(x, bins="fd"), and η = sqrt(Σ n_g (mean_g − mean)² / Σ (x − mean)²) in numpy.
 */
const x = [2.5, 3.1, 4.7, 5.0, 5.2, 6.8, 7.1, 9.4, 12.0, 30.5];
const y = [1.0, 2.0, 2.0, 3.5, 3.0, 5.0, 4.0, 8.0, 9.0, 12.0];
const a = [..."aabbbcccca"];
const b = [..."uvuvvuvvuu"];

function oracleFrame(): pl.DataFrame {
  return pl.DataFrame({ x, y, a, b });
}

const oracle = await profile(oracleFrame());

describe("profile against numpy/scipy", () => {
  const p = oracle;
  const col = (name: string) => p.columnProfiles.find((c) => c.name === name);

  it("summarises a numeric column as numpy and scipy do", async () => {
    const n = col("x")?.numeric;
    expect(n?.mean).toBeCloseTo(8.629999999999999, 10);
    expect(n?.std).toBeCloseTo(8.195398437876925, 10);
    expect(n?.p5).toBeCloseTo(2.77, 10);
    expect(n?.q1).toBeCloseTo(4.775, 10);
    expect(n?.median).toBeCloseTo(6.0, 10);
    expect(n?.q3).toBeCloseTo(8.825, 10);
    expect(n?.p95).toBeCloseTo(22.17499999999998, 10);
    expect(n?.iqr).toBeCloseTo(4.05, 10);
    expect(n?.skewness).toBeCloseTo(2.508352947966153, 10);
    expect(n?.kurtosis).toBeCloseTo(6.876179957734598, 10); // excess (Fisher) kurtosis
    expect(n?.histogram?.counts).toEqual([5, 3, 1, 0, 0, 0, 0, 1]);
    expect(n?.histogram?.edges).toEqual([2.5, 6.0, 9.5, 13.0, 16.5, 20.0, 23.5, 27.0, 30.5]);
  });

  it("computes associations as scipy does", async () => {
    const assoc = (id: string) => p.associations.find((s) => s.id === id)?.value;
    expect(assoc("assoc:x~y:pearson")).toBeCloseTo(0.8927672488773731, 10);
    expect(assoc("assoc:x~y:spearman")).toBeCloseTo(0.9726488698881034, 10);
    expect(assoc("assoc:a~b:cramers_v")).toBeCloseTo(0.2581988897471611, 10);
    expect(assoc("assoc:x~a:correlation_ratio")).toBeCloseTo(0.35261642650835073, 10);
  });

  it("flags the one outlier by both rules (numpy: 1 outside Tukey fences, 1 with modified z > 3.5)", async () => {
    const ids = p.alerts.map((alert) => alert.id);
    expect(ids).toContain("alert:skewed:x");
    expect(ids).toContain("alert:outliers_iqr:x");
    expect(ids).toContain("alert:outliers_mad:x");
  });

  it("reports the overview", async () => {
    expect(p).toMatchObject({ rows: 10, columns: 4, missingCells: 0, duplicateRows: 0, sample: null });
    expect(p.memoryBytes).toBeGreaterThan(0);
  });
});

describe("profile by hand", () => {
  it("counts missing, zeros, negatives, infinities and keeps infinities out of the moments", async () => {
    // By hand: finite values are -1, 0, 0, 3 → mean 0.5, min -1, max 3; one +Infinity, one null.
    const p = await profile(pl.DataFrame({ v: [-1, 0, 0, 3, Number.POSITIVE_INFINITY, null] }));
    const c = p.columnProfiles[0];
    expect(c).toMatchObject({ count: 5, missing: 1 });
    expect(c?.numeric).toMatchObject({ mean: 0.5, min: -1, max: 3, zeros: 2, negatives: 1, infinities: 1 });
    expect(p.alerts.map((a) => a.kind)).toEqual(expect.arrayContaining(["infinities", "zeros"]));
  });

  it("profiles dates stored as text: range, largest gap (numpy: max diff 8 days) and an alert", async () => {
    const p = await profile(
      pl.DataFrame({ when: ["2021-01-01", "2021-01-02", "2021-01-10", "2021-01-11", null] }),
    );
    const c = p.columnProfiles[0];
    expect(c?.kind).toBe("datetime");
    expect(c?.kindReason).toBe("string values parse as dates (100% with %Y-%m-%d) → datetime");
    expect(c?.dates).toEqual({
      min: "2021-01-01",
      max: "2021-01-11",
      largestGapDays: 8,
      parsedFromText: true,
    });
    expect(p.alerts.map((a) => a.id)).toContain("alert:date_as_text:when");
  });

  it("infers kinds with reasons", async () => {
    const rows = 40;
    const p = await profile(
      pl.DataFrame({
        id: pl.Series(
          "id",
          Array.from({ length: rows }, (_, i) => i + 1),
          pl.Int64,
        ),
        code: pl.Series(
          "code",
          Array.from({ length: rows }, (_, i) => (i % 2) + 1),
          pl.Int32,
        ),
        wholeFloats: Array.from({ length: rows }, (_, i) => i * 2),
        species: Array.from({ length: rows }, (_, i) => ["Adelie", "Gentoo", "Chinstrap"][i % 3]),
        flag: Array.from({ length: rows }, (_, i) => i % 4 === 0),
        note: Array.from({ length: rows }, (_, i) => `free text number ${i} `.repeat(4)),
      }),
    );
    const kinds = Object.fromEntries(p.columnProfiles.map((c) => [c.name, [c.kind, c.kindReason]]));
    expect(kinds.id).toEqual(["identifier", "integer with 100% unique values → identifier"]);
    expect(kinds.code).toEqual([
      "categorical",
      "integer with 2 distinct values in 40 non-missing rows → categorical",
    ]);
    expect(kinds.wholeFloats).toEqual(["identifier", "whole numbers with 100% unique values → identifier"]);
    expect(kinds.species).toEqual([
      "categorical",
      "string with 3 distinct values in 40 non-missing rows → categorical",
    ]);
    expect(kinds.flag?.[0]).toBe("boolean");
    expect(kinds.note?.[0]).toBe("text");
    expect(p.alerts.map((a) => a.id)).toContain("alert:unique:id");
  });

  it("counts duplicate rows and raises imbalance (ydata score: 1 − H/log k)", async () => {
    // 9 × "a" and 1 × "b": H = −(0.9 ln 0.9 + 0.1 ln 0.1) = 0.3251, score = 1 − 0.3251/ln 2 = 0.531 > 0.5.
    const p = await profile(pl.DataFrame({ g: [..."aaaaaaaaab"] }));
    expect(p.duplicateRows).toBe(8);
    const imbalance = p.alerts.find((a) => a.kind === "imbalance");
    expect(imbalance?.evidence.imbalance).toBeCloseTo(0.531, 3);
    expect(p.alerts.map((a) => a.kind)).toContain("duplicates");
  });

  it("reports progress per phase up to 100", async () => {
    const seen: number[] = [];
    await profile(oracleFrame(), {}, { onProgress: (stage, pct) => stage === "profiling" && seen.push(pct) });
    expect(seen.length).toBeGreaterThan(4);
    expect(seen.at(-1)).toBe(100);
    expect([...seen].sort((m, n) => m - n)).toEqual(seen);
  });
});
