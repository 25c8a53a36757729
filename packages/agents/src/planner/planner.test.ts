import type { ColumnKind, Profile } from "@assay/contracts";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { executeOperations } from "./execute-operations.js";
import { planFromProfile } from "./plan-from-profile.js";
import { planFromQuery } from "./plan-from-query.js";
import { runOperations } from "./run-operations.js";

const columns: { name: string; kind: ColumnKind }[] = [
  { name: "body_mass_g", kind: "numeric" },
  { name: "flipper_length_mm", kind: "numeric" },
  { name: "species", kind: "categorical" },
  { name: "island", kind: "categorical" },
  { name: "date", kind: "datetime" },
];

describe("planFromQuery", () => {
  it("matches typo'd and differently cased column names", () => {
    const plan = planFromQuery("Compare Body Mass G by SPECEIS", columns, { max: 5 });
    expect(plan.hypotheses.map((h) => h.spec)).toEqual([
      { kind: "difference", metric: "body_mass_g", groupBy: "species" },
    ]);
  });
  it.each([
    ["does body mass g differ across island", "difference"],
    ["how does flipper length mm relate to body mass g", "association"],
    ["what drives body mass g? flipper_length_mm", "association"],
    ["predict body_mass_g from flipper_length_mm and species", "regression"],
    ["growth of body mass g over time", "trend"],
  ])("%s → %s", (query, kind) => {
    const plan = planFromQuery(query, columns, { max: 5 });
    expect(plan.hypotheses[0]?.spec.kind).toBe(kind);
  });
  it("a summary request proposes no hypothesis", () => {
    const plan = planFromQuery("describe the distribution of body mass g by species", columns, { max: 5 });
    expect(plan.hypotheses).toEqual([]);
    expect(plan.pipelines[0]?.[0]?.op).toBe("group_by");
  });
  it("gives each part of a question its own pipeline", () => {
    const byTwo = planFromQuery("compare body mass g by species and by island", columns, { max: 5 });
    expect(byTwo.pipelines.map((p) => p.map((op) => op.op === "group_by" && op.by))).toEqual([
      [["species"]],
      [["island"]],
    ]);
    const twoMetrics = planFromQuery("body mass g and flipper length mm by species", columns, { max: 5 });
    expect(twoMetrics.pipelines).toHaveLength(2);
    const summary = planFromQuery("describe body mass g by species and island", columns, { max: 5 });
    expect(summary.pipelines).toHaveLength(2);
    const trends = planFromQuery("growth of body mass g and flipper length mm", columns, { max: 5 });
    expect(trends.pipelines.map((p) => p[0]?.op)).toEqual(["resample", "resample"]);
  });
  it("plans each clause of a compound question by its own intent", () => {
    const plan = planFromQuery(
      "Does body mass g differ by species, and is there a trend in flipper length mm over date?",
      columns,
      { max: 5 },
    );
    expect(plan.hypotheses.map((h) => h.spec)).toEqual([
      { kind: "difference", metric: "body_mass_g", groupBy: "species" },
      { kind: "trend", metric: "flipper_length_mm", time: "date" },
    ]);
    // A question whose columns are named across clauses is still read whole.
    const across = planFromQuery("how does body mass g relate? and flipper length mm?", columns, { max: 5 });
    expect(across.hypotheses.map((h) => h.spec.kind)).toEqual(["association"]);
  });
  it("a query that names no column returns an empty plan with a note", () => {
    const plan = planFromQuery("tell me something interesting", columns, { max: 5 });
    expect(plan.hypotheses).toEqual([]);
    expect(plan.notes[0]).toMatch(/no column/);
  });
  it("respects the cap", () => {
    const plan = planFromQuery("relate body mass, flipper length, species, island", columns, { max: 2 });
    expect(plan.hypotheses).toHaveLength(2);
  });
});

describe("planFromProfile", () => {
  it("proposes strongest associations first, then groupings with few levels, capped", () => {
    const column = (name: string, kind: ColumnKind, distinct: number) => ({
      name,
      dtype: "x",
      kind,
      kindReason: "",
      count: 10,
      missing: 0,
      distinct,
      uniqueShare: 0.1,
      ...(kind === "numeric"
        ? {
            numeric: {
              std: 1,
              mean: 0,
              min: 0,
              p5: 0,
              q1: 0,
              median: 0,
              q3: 0,
              p95: 0,
              max: 0,
              iqr: 0,
              skewness: 0,
              kurtosis: 0,
              zeros: 0,
              negatives: 0,
              infinities: 0,
              histogram: null,
            },
          }
        : {}),
    });
    const profile: Profile = {
      rows: 10,
      columns: 3,
      memoryBytes: 0,
      missingCells: 0,
      duplicateRows: 0,
      sample: null,
      columnProfiles: [column("a", "numeric", 10), column("b", "numeric", 10), column("g", "categorical", 3)],
      associations: [
        { x: "a", y: "g", method: "correlation_ratio", value: 0.3 },
        { x: "a", y: "b", method: "pearson", value: -0.9 },
      ],
      alerts: [],
    };
    const plan = planFromProfile(profile, { max: 2 });
    expect(plan.map((p) => p.spec)).toEqual([
      { kind: "association", x: "a", y: "b" },
      { kind: "difference", metric: "a", groupBy: "g" },
    ]);
    expect(planFromProfile(profile, { max: 10 })).toHaveLength(3);
  });
});

describe("executeOperations", () => {
  it("filters, groups, sorts, pivots and resamples with polars", () => {
    const df = pl.DataFrame({
      t: [new Date("2024-01-03"), new Date("2024-01-20"), new Date("2024-02-05"), new Date("2024-02-07")],
      g: ["a", "b", "a", "b"],
      v: [1, 2, 3, 10],
    });
    const [filtered, grouped] = executeOperations(df, [
      { op: "filter", column: "v", cmp: "lt", value: 5 },
      {
        op: "group_by",
        by: ["g"],
        measures: [
          { column: "v", agg: "mean" },
          { column: "v", agg: "count" },
        ],
      },
    ]);
    expect(filtered?.rows).toHaveLength(3);
    expect(grouped?.rows).toEqual([
      ["a", 2, 2],
      ["b", 2, 1],
    ]);
    const [monthly] = executeOperations(df, [
      { op: "resample", time: "t", every: "month", measures: [{ column: "v", agg: "sum" }] },
    ]);
    expect(monthly?.rows.map((r) => r[1])).toEqual([3, 13]);
    const [top] = executeOperations(df, [{ op: "top_k", column: "v", k: 1, descending: true }]);
    expect(top?.rows[0]?.[2]).toBe(10);
    const [pivot] = executeOperations(df, [
      { op: "pivot", index: "t", columns: "g", values: "v", agg: "sum" },
    ]);
    expect(pivot?.columns).toEqual(["t", "a", "b"]);
  });
});

describe("runOperations", () => {
  const df = pl.DataFrame({ g: ["a", "b", "a"], h: ["x", "x", "y"], v: [1, 2, 3], w: [10, 20, 30] });
  const meanBy = (by: string, column: string) => ({
    op: "group_by" as const,
    by: [by],
    measures: [{ column, agg: "mean" as const }],
  });

  it("runs every pipeline from the original frame, numbering the tables across pipelines", () => {
    const { tables, failures } = runOperations(df, [
      [meanBy("g", "v")],
      [{ op: "filter", column: "w", cmp: "gt", value: 10 }, meanBy("h", "w")],
    ]);
    expect(failures).toEqual([]);
    expect(tables.map((t) => t.id)).toEqual(["t1", "t2", "t3"]);
    expect(tables[0]?.rows).toEqual([
      ["a", 2],
      ["b", 2],
    ]);
    expect(tables[2]?.rows).toEqual([
      ["x", 20],
      ["y", 30],
    ]);
  });

  it("a failing step stops only its own pipeline, and the failure names the pipeline and step", () => {
    const { tables, failures } = runOperations(df, [
      [meanBy("g", "v"), meanBy("g", "w")],
      [meanBy("h", "w")],
    ]);
    expect(tables.map((t) => [t.id, t.columns])).toEqual([
      ["t1", ["g", "mean_v"]],
      ["t2", ["h", "mean_w"]],
    ]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^pipeline 1, step 2 \(mean of w by g\) could not run: /);
  });
});
