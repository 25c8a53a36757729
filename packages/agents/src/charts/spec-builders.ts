import type { ChartSpec, Histogram, ValueCount } from "@assay/contracts";

/** Vega-lite builders with inline data only; field names inside data are fixed ("x", "y"...) because
 * user column names may contain dots or brackets that vega-lite would read as nested paths. */

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const WIDTH = 480;
const HEIGHT = 280;

type Spec = ChartSpec["spec"];

function base(title: string, values: unknown[]): Spec {
  return { $schema: SCHEMA, title, width: WIDTH, height: HEIGHT, data: { values } };
}

export function histogramSpec(title: string, column: string, histogram: Histogram): Spec {
  const values = histogram.counts.map((count, k) => ({
    start: histogram.edges[k],
    end: histogram.edges[k + 1],
    count,
  }));
  return {
    ...base(title, values),
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: { field: "start", type: "quantitative", bin: { binned: true }, title: column },
      x2: { field: "end" },
      y: { field: "count", type: "quantitative", title: "rows" },
    },
  };
}

export function topValuesSpec(title: string, column: string, values: readonly ValueCount[]): Spec {
  return {
    ...base(
      title,
      values.map((v) => ({ value: v.value, count: v.count })),
    ),
    mark: { type: "bar", tooltip: true },
    encoding: {
      y: { field: "value", type: "nominal", sort: "-x", title: column },
      x: { field: "count", type: "quantitative", title: "rows" },
    },
  };
}

export interface HeatmapCell {
  x: string;
  y: string;
  value: number;
}

export function heatmapSpec(title: string, cells: readonly HeatmapCell[], legend: string): Spec {
  const side = Math.min(560, Math.max(200, 36 * new Set(cells.map((c) => c.x)).size));
  return {
    $schema: SCHEMA,
    title,
    width: side,
    height: side,
    data: { values: cells.map((c) => ({ ...c, label: c.value.toFixed(2) })) },
    encoding: {
      x: { field: "x", type: "nominal", title: null, sort: null },
      y: { field: "y", type: "nominal", title: null, sort: null },
    },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "value",
            type: "quantitative",
            title: legend,
            scale: { domain: [-1, 1], scheme: "redblue" },
          },
        },
      },
      {
        mark: { type: "text", fontSize: 10 },
        encoding: { text: { field: "label" } },
      },
    ],
  };
}

export function scatterSpec(
  title: string,
  x: string,
  y: string,
  points: readonly { x: number; y: number }[],
): Spec {
  const encoding = {
    x: { field: "x", type: "quantitative", title: x, scale: { zero: false } },
    y: { field: "y", type: "quantitative", title: y, scale: { zero: false } },
  };
  return {
    ...base(title, [...points]),
    layer: [
      { mark: { type: "point", opacity: 0.6, size: 20 }, encoding },
      { mark: { type: "line", color: "firebrick" }, transform: [{ regression: "y", on: "x" }], encoding },
    ],
  };
}

/** Box plot from precomputed five-number summaries (exact for any size of data). */
export interface BoxStats {
  group: string;
  lower: number;
  q1: number;
  median: number;
  q3: number;
  upper: number;
  n: number;
}

export function boxSpec(title: string, metric: string, group: string, boxes: readonly BoxStats[]): Spec {
  // Few groups read best level; many would overlap, so they slant.
  const x = {
    field: "group",
    type: "nominal",
    title: group,
    axis: { labelAngle: boxes.length <= 8 ? 0 : -40, labelLimit: 140 },
  };
  return {
    ...base(title, [...boxes]),
    layer: [
      {
        mark: "rule",
        encoding: {
          x,
          y: { field: "lower", type: "quantitative", title: metric, scale: { zero: false } },
          y2: { field: "upper" },
        },
      },
      {
        mark: { type: "bar", size: 28 },
        encoding: { x, y: { field: "q1", type: "quantitative" }, y2: { field: "q3" } },
      },
      {
        mark: { type: "tick", color: "white", size: 28 },
        encoding: { x, y: { field: "median", type: "quantitative" }, tooltip: [{ field: "n", title: "n" }] },
      },
    ],
  };
}

export function lineSpec(
  title: string,
  time: string,
  metric: string,
  points: readonly { t: string | number; y: number }[],
): Spec {
  return {
    ...base(title, [...points]),
    mark: { type: "line", point: points.length <= 60 },
    encoding: {
      x: { field: "t", type: typeof points[0]?.t === "number" ? "quantitative" : "temporal", title: time },
      y: { field: "y", type: "quantitative", title: metric, scale: { zero: false } },
    },
  };
}

/** Counts of each pair of categories as grouped bars: x the first column, colour the second. */
export function crosstabSpec(
  title: string,
  x: string,
  y: string,
  counts: readonly { x: string; y: string; count: number }[],
): Spec {
  return {
    ...base(title, [...counts]),
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: { field: "x", type: "nominal", title: x },
      xOffset: { field: "y", type: "nominal" },
      y: { field: "count", type: "quantitative", title: "rows" },
      color: { field: "y", type: "nominal", title: y },
    },
  };
}
