import type { ChartSpec } from "@assay/contracts";
import pl from "nodejs-polars";
import { finiteOrNull } from "../eda/finite.js";
import { chartId } from "./chart-id.js";
import { type BoxStats, boxSpec, lineSpec, scatterSpec } from "./spec-builders.js";

/** Points drawn at most in a scatter or line; bigger data is thinned evenly and the title says so. */
export const MAX_CHART_POINTS = 2_000;
/** Groups drawn at most in a box plot (the largest ones). */
export const MAX_BOX_GROUPS = 20;

/** Evenly spaced rows when there are more than `max`, with the words for the title. */
function thin(frame: pl.DataFrame, max: number): { frame: pl.DataFrame; note: string } {
  if (frame.height <= max) return { frame, note: "" };
  const step = Math.ceil(frame.height / max);
  const thinned = frame.gatherEvery(step);
  return { frame: thinned, note: ` (sample of ${thinned.height} of ${frame.height} rows)` };
}

/** Scatter of two numeric columns with a least-squares trend line. */
export function scatterChart(df: pl.DataFrame, x: string, y: string): ChartSpec {
  const both = pl
    .DataFrame({ x: df.getColumn(x).cast(pl.Float64), y: df.getColumn(y).cast(pl.Float64) })
    .filter(pl.col("x").isFinite().and(pl.col("y").isFinite()));
  const { frame, note } = thin(both, MAX_CHART_POINTS);
  const points = frame.toRecords() as { x: number; y: number }[];
  const title = `${y} against ${x}${note}`;
  return { id: chartId("scatter", x, y), title, kind: "scatter", spec: scatterSpec(title, x, y, points) };
}

/** Box plot of a numeric metric per group: whiskers at the furthest values within 1.5·IQR (Tukey). */
export function boxChart(df: pl.DataFrame, metric: string, group: string): ChartSpec {
  const frame = pl
    .DataFrame({ g: df.getColumn(group).cast(pl.Utf8), v: df.getColumn(metric).cast(pl.Float64) })
    .filter(pl.col("g").isNotNull().and(pl.col("v").isFinite()));
  const v = pl.col("v");
  const q1 = v.quantile(0.25, "linear");
  const q3 = v.quantile(0.75, "linear");
  const iqr = q3.sub(q1);
  const stats = frame
    .groupBy("g")
    .agg(
      q1.alias("q1"),
      v.median().alias("median"),
      q3.alias("q3"),
      v
        .filter(v.gtEq(q1.sub(iqr.mul(1.5))))
        .min()
        .alias("lower"),
      v
        .filter(v.ltEq(q3.add(iqr.mul(1.5))))
        .max()
        .alias("upper"),
      v.count().alias("n"),
    )
    .sort(["n", "g"], [true, false])
    .head(MAX_BOX_GROUPS)
    .sort("g")
    .toRecords();
  const boxes: BoxStats[] = stats.map((r) => ({
    group: String(r.g),
    lower: finiteOrNull(r.lower) ?? 0,
    q1: finiteOrNull(r.q1) ?? 0,
    median: finiteOrNull(r.median) ?? 0,
    q3: finiteOrNull(r.q3) ?? 0,
    upper: finiteOrNull(r.upper) ?? 0,
    n: Number(r.n),
  }));
  const title = `${metric} by ${group}`;
  return {
    id: chartId("box", metric, group),
    title,
    kind: "box",
    spec: boxSpec(title, metric, group, boxes),
  };
}

/** Mean of a metric per time value, in time order. */
export function lineChart(df: pl.DataFrame, time: string, metric: string): ChartSpec {
  const column = df.getColumn(time);
  const isTemporal = column.dtype.variant === "Date" || column.dtype.variant === "Datetime";
  const t = isTemporal ? column.cast(pl.Datetime("ms")).cast(pl.Int64) : column.cast(pl.Float64);
  const means = pl
    .DataFrame({ t, y: df.getColumn(metric).cast(pl.Float64) })
    .filter(pl.col("t").isNotNull().and(pl.col("y").isFinite()))
    .groupBy("t")
    .agg(pl.col("y").mean().alias("y"))
    .sort("t");
  const { frame, note } = thin(means, MAX_CHART_POINTS);
  const points = (frame.toRecords() as { t: number; y: number }[]).map((p) => ({
    t: isTemporal ? new Date(Number(p.t)).toISOString() : Number(p.t),
    y: p.y,
  }));
  const title = `Mean ${metric} over ${time}${note}`;
  return {
    id: chartId("line", metric, time),
    title,
    kind: "line",
    spec: lineSpec(title, time, metric, points),
  };
}
