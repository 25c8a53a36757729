import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { HypothesisResult } from "@assay/contracts";
import fc from "fast-check";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import type { PlannedHypothesis } from "./planned-hypothesis.js";
import { testHypotheses } from "./test-hypotheses.js";

const require = createRequire(import.meta.url);
// The package exports no data paths: read its shipped JSON files beside its build.
const dataDir = join(dirname(require.resolve("vega-datasets")), "..", "data");
const load = (name: string) => pl.DataFrame(JSON.parse(readFileSync(join(dataDir, name), "utf8")));
const penguins = load("penguins.json");
const cars = load("cars.json");
const planned = (spec: PlannedHypothesis["spec"]): PlannedHypothesis => ({ spec, source: "request" });

function close(actual: number | undefined, expected: number, digits = 7) {
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(Math.abs(expected) * 10 ** -digits);
}

describe("testHypotheses on real data (vega-datasets; expected: scipy 1.10.1)", () => {
  it("penguin body mass by species: ANOVA family, assumptions, BH", () => {
    const [result] = testHypotheses(
      penguins,
      [planned({ kind: "difference", metric: "Body Mass (g)", groupBy: "Species" })],
      { alpha: 0.05 },
    );
    expect(HypothesisResult.parse(result)).toBeTruthy();
    const byName = new Map(result?.tests.map((t) => [t.name, t]));
    close(byName.get("anova_oneway")?.statistic, 343.626275205481); // stats.f_oneway
    close(byName.get("kruskal_wallis")?.statistic, 217.59924143680436); // stats.kruskal
    close(byName.get("levene")?.statistic, 5.12025099751946); // stats.levene(center="median")
    // Levene rejects equal variances, so Welch's ANOVA leads.
    expect(byName.get("welch_anova")?.role).toBe("primary");
    expect(result?.caveats.some((c) => c.includes("dropped"))).toBe(true);
    for (const t of result?.tests ?? [])
      if (t.role !== "assumption") expect(t.pAdjusted).toBeGreaterThanOrEqual(t.pValue);
  });
  it("Adelie vs Gentoo: welch_t and mann_whitney_u", () => {
    const [result] = testHypotheses(
      penguins,
      [
        planned({
          kind: "difference",
          metric: "Body Mass (g)",
          groupBy: "Species",
          groups: ["Adelie", "Gentoo"],
        }),
      ],
      { alpha: 0.05 },
    );
    const byName = new Map(result?.tests.map((t) => [t.name, t]));
    close(byName.get("welch_t")?.statistic, -23.38602766996551);
    close(byName.get("welch_t")?.pValue, 7.709823145147335e-65, 5);
    close(byName.get("mann_whitney_u")?.statistic, 400.5);
    close(byName.get("mann_whitney_u")?.pValue, 2.982319067322439e-42, 5);
  });
  it("cars horsepower vs mpg: pearson, spearman, kendall", () => {
    const [result] = testHypotheses(
      cars,
      [planned({ kind: "association", x: "Horsepower", y: "Miles_per_Gallon" })],
      { alpha: 0.05 },
    );
    const byName = new Map(result?.tests.map((t) => [t.name, t]));
    close(byName.get("pearson_r")?.statistic, -0.7784267838977761);
    close(byName.get("spearman_rho")?.statistic, -0.8536164024453882);
    close(byName.get("kendall_tau")?.statistic, -0.6791658132611216);
    close(byName.get("kendall_tau")?.pValue, 2.3311218476388024e-86, 5);
    expect(result?.conclusion).toMatch(/not causation/);
  });
  it("cars: trend of mpg over year and a regression with a categorical predictor", () => {
    const results = testHypotheses(
      cars,
      [
        planned({ kind: "trend", metric: "Miles_per_Gallon", time: "Year" }),
        planned({ kind: "regression", target: "Miles_per_Gallon", predictors: ["Horsepower", "Origin"] }),
      ],
      { alpha: 0.05 },
    );
    expect(results.map((r) => r.status)).toEqual(["tested", "tested"]);
    expect(results[1]?.tests[0]?.coefficients?.map((c) => c.term)).toEqual([
      "(intercept)",
      "Horsepower",
      "Origin[Europe]",
      "Origin[Japan]",
    ]);
  });
});

describe("degenerate data is skipped, never NaN", () => {
  const df = pl.DataFrame({
    g: ["a", "a", "b"],
    v: [1, 1, 2],
    s: ["x", "y", "z"],
    n: [null, null, null] as (number | null)[],
  });
  it.each([
    [{ kind: "difference", metric: "v", groupBy: "g" }, /fewer than two groups/],
    [{ kind: "difference", metric: "missing", groupBy: "g" }, /not in the dataset/],
    [{ kind: "difference", metric: "s", groupBy: "g" }, /not numeric/],
    [{ kind: "association", x: "v", y: "n" }, /complete pairs/],
    [{ kind: "trend", metric: "v", time: "s" }, /./],
    [{ kind: "regression", target: "v", predictors: ["v"] }, /no predictor/],
  ] as [PlannedHypothesis["spec"], RegExp][])("%o", (spec, reason) => {
    const [result] = testHypotheses(df, [planned(spec)], { alpha: 0.05 });
    expect(result?.status).toBe("skipped");
    expect(result?.skippedReason).toMatch(reason);
  });
});

describe("properties (fast-check)", () => {
  it("p-values lie in [0, 1], BH-adjusted ≥ raw and results carry no NaN for random data", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: -5, max: 5 }),
            fc.double({ min: -1e6, max: 1e6, noNaN: true }),
            fc.constantFrom("a", "b", "c"),
          ),
          { minLength: 0, maxLength: 40 },
        ),
        (rows) => {
          const df = pl.DataFrame({
            x: rows.map((r) => r[0]),
            y: rows.map((r) => r[1]),
            g: rows.map((r) => r[2]),
          });
          const results = testHypotheses(
            df,
            [
              planned({ kind: "difference", metric: "y", groupBy: "g" }),
              planned({ kind: "association", x: "x", y: "y" }),
              planned({ kind: "trend", metric: "y", time: "x" }),
              planned({ kind: "regression", target: "y", predictors: ["x", "g"] }),
            ],
            { alpha: 0.05 },
          );
          const json = JSON.stringify(results);
          expect(json).not.toMatch(/NaN|Infinity|null,"pValue"/);
          for (const r of results) {
            HypothesisResult.parse(JSON.parse(JSON.stringify(r)));
            for (const t of r.tests) {
              expect(t.pValue).toBeGreaterThanOrEqual(0);
              expect(t.pValue).toBeLessThanOrEqual(1);
              if (t.pAdjusted !== undefined) expect(t.pAdjusted).toBeGreaterThanOrEqual(t.pValue);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
