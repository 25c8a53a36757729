import type { Association, ChartSpec, HypothesisResult, Profile } from "@assay/contracts";
import type pl from "nodejs-polars";
import { chartId } from "./chart-id.js";
import { scatterChart } from "./data-charts.js";
import { hypothesisCharts } from "./hypothesis-charts.js";
import { type HeatmapCell, heatmapSpec, histogramSpec, topValuesSpec } from "./spec-builders.js";

/** Per-column charts drawn at most of each kind, so a wide table still gives a readable report. */
export const MAX_COLUMN_CHARTS = 12;

/**
 * Charts the profile calls for: a histogram per numeric column, top values per categorical column,
 * a Pearson heatmap when there are numeric pairs, a scatter of the strongest pair, and one chart per
 * tested hypothesis (drawn once when the profile already has it).
 */
export function chooseCharts(
  df: pl.DataFrame,
  profile: Profile,
  hypotheses: readonly HypothesisResult[] = [],
): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const numeric = profile.columnProfiles.filter((c) => c.kind === "numeric" && c.numeric?.histogram);
  numeric.slice(0, MAX_COLUMN_CHARTS).forEach((c) => {
    const histogram = c.numeric?.histogram;
    if (!histogram) return;
    const title = `Distribution of ${c.name}`;
    charts.push({
      id: chartId("hist", c.name),
      title,
      kind: "histogram",
      spec: histogramSpec(title, c.name, histogram),
    });
  });
  const categorical = profile.columnProfiles.filter(
    (c) => (c.kind === "categorical" || c.kind === "boolean") && (c.topValues?.length ?? 0) > 0,
  );
  categorical.slice(0, MAX_COLUMN_CHARTS).forEach((c) => {
    const title = `Most frequent values of ${c.name}`;
    charts.push({
      id: chartId("bar", c.name),
      title,
      kind: "bar",
      spec: topValuesSpec(title, c.name, c.topValues ?? []),
    });
  });
  const pearson = profile.associations.filter((a) => a.method === "pearson");
  if (pearson.length > 0) charts.push(pearsonHeatmap(pearson));
  const strongest = [...pearson].sort((a, b) => Math.abs(b.value) - Math.abs(a.value))[0];
  if (strongest) charts.push(scatterChart(df, strongest.x, strongest.y));
  const drawn = new Set(charts.map((c) => c.id));
  charts.push(...hypothesisCharts(df, hypotheses, profile).filter((c) => !drawn.has(c.id)));
  return uniqueIds(charts);
}

function pearsonHeatmap(pearson: readonly Association[]): ChartSpec {
  const columns = [...new Set(pearson.flatMap((a) => [a.x, a.y]))];
  const cells: HeatmapCell[] = columns.map((c) => ({ x: c, y: c, value: 1 }));
  for (const a of pearson) cells.push({ x: a.x, y: a.y, value: a.value }, { x: a.y, y: a.x, value: a.value });
  const title = "Pearson correlation between numeric columns";
  return {
    id: chartId("heatmap", "pearson"),
    title,
    kind: "heatmap",
    spec: heatmapSpec(title, cells, "Pearson r"),
  };
}

/** Column names that slug alike ("a b" and "a-b") must not overwrite each other's files. */
function uniqueIds(charts: ChartSpec[]): ChartSpec[] {
  const seen = new Map<string, number>();
  return charts.map((chart) => {
    const n = seen.get(chart.id) ?? 0;
    seen.set(chart.id, n + 1);
    return n === 0 ? chart : { ...chart, id: `${chart.id}-${n + 1}` };
  });
}
