import type { ChartSpec, ColumnKind, HypothesisResult, HypothesisSpec, Profile } from "@assay/contracts";
import pl from "nodejs-polars";
import { chartId } from "./chart-id.js";
import { boxChart, lineChart, scatterChart } from "./data-charts.js";
import { crosstabSpec } from "./spec-builders.js";

/** Categories per axis drawn at most in a cross-tabulation (the most frequent ones). */
export const MAX_CROSSTAB_LEVELS = 12;

type Kinds = ReadonlyMap<string, ColumnKind>;

const isCategory = (kind: ColumnKind | undefined) => kind === "categorical" || kind === "boolean";

export function columnKinds(profile: Profile): Kinds {
  return new Map(profile.columnProfiles.map((c) => [c.name, c.kind]));
}

/** The chart that shows a hypothesis: what it draws and from which columns, or null when none fits. */
type ChartPlan =
  | { kind: "box"; metric: string; group: string }
  | { kind: "scatter"; x: string; y: string }
  | { kind: "line"; time: string; metric: string }
  | { kind: "crosstab"; x: string; y: string };

function chartPlan(spec: HypothesisSpec, kinds: Kinds): ChartPlan | null {
  switch (spec.kind) {
    case "difference":
      return { kind: "box", metric: spec.metric, group: spec.groupBy };
    case "trend":
      return { kind: "line", time: spec.time, metric: spec.metric };
    case "regression": {
      const predictor = spec.predictors.find((p) => kinds.get(p) === "numeric");
      return predictor ? { kind: "scatter", x: predictor, y: spec.target } : null;
    }
    case "association": {
      const [xCat, yCat] = [isCategory(kinds.get(spec.x)), isCategory(kinds.get(spec.y))];
      if (xCat && yCat) return { kind: "crosstab", x: spec.x, y: spec.y };
      if (xCat) return { kind: "box", metric: spec.y, group: spec.x };
      if (yCat) return { kind: "box", metric: spec.x, group: spec.y };
      return { kind: "scatter", x: spec.x, y: spec.y };
    }
  }
}

/** The id of the chart drawn for a hypothesis (the document places it under the hypothesis). */
export function hypothesisChartId(spec: HypothesisSpec, kinds: Kinds): string | null {
  const plan = chartPlan(spec, kinds);
  if (!plan) return null;
  switch (plan.kind) {
    case "box":
      return chartId("box", plan.metric, plan.group);
    case "scatter":
      return chartId("scatter", plan.x, plan.y);
    case "line":
      return chartId("line", plan.metric, plan.time);
    case "crosstab":
      return chartId("crosstab", plan.x, plan.y);
  }
}

/**
 * One chart per tested hypothesis, chosen for its shape: box plots for group differences, scatter
 * with a trend line for numeric associations and regressions, a line over time for trends, grouped
 * bars for two categories. Skipped hypotheses get none; the same chart is drawn once.
 */
export function hypothesisCharts(
  df: pl.DataFrame,
  hypotheses: readonly HypothesisResult[],
  profile: Profile,
): ChartSpec[] {
  const kinds = columnKinds(profile);
  const charts = new Map<string, ChartSpec>();
  for (const h of hypotheses) {
    if (h.status !== "tested") continue;
    const plan = chartPlan(h.spec, kinds);
    const id = hypothesisChartId(h.spec, kinds);
    if (!plan || !id || charts.has(id)) continue;
    charts.set(id, drawPlan(df, plan));
  }
  return [...charts.values()];
}

function drawPlan(df: pl.DataFrame, plan: ChartPlan): ChartSpec {
  switch (plan.kind) {
    case "box":
      return boxChart(df, plan.metric, plan.group);
    case "scatter":
      return scatterChart(df, plan.x, plan.y);
    case "line":
      return lineChart(df, plan.time, plan.metric);
    case "crosstab":
      return crosstabChart(df, plan.x, plan.y);
  }
}

/** Row counts of each pair of the most frequent categories of two columns. */
export function crosstabChart(df: pl.DataFrame, x: string, y: string): ChartSpec {
  const pairs = pl
    .DataFrame({ x: df.getColumn(x).cast(pl.Utf8), y: df.getColumn(y).cast(pl.Utf8) })
    .dropNulls();
  const top = (column: string) =>
    pairs
      .getColumn(column)
      .valueCounts(true)
      .head(MAX_CROSSTAB_LEVELS)
      .getColumn(column)
      .toArray() as string[];
  const counts = pairs
    .filter(
      pl
        .col("x")
        .isIn(top("x"))
        .and(pl.col("y").isIn(top("y"))),
    )
    .groupBy(["x", "y"])
    .agg(pl.len().alias("count"))
    .sort(["x", "y"])
    .toRecords()
    .map((r) => ({ x: String(r.x), y: String(r.y), count: Number(r.count) }));
  const title = `${x} by ${y} (row counts)`;
  return { id: chartId("crosstab", x, y), title, kind: "bar", spec: crosstabSpec(title, x, y, counts) };
}
