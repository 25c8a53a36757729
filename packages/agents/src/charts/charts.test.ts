import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { chartId } from "./chart-id.js";
import { boxChart, lineChart, MAX_CHART_POINTS, scatterChart } from "./data-charts.js";
import { renderSvg } from "./render-svg.js";

describe("charts", () => {
  it("thins big scatters and says so in the title", async () => {
    const n = 5_000;
    const df = pl.DataFrame({
      "a.b": Array.from({ length: n }, (_, i) => i),
      y: Array.from({ length: n }, (_, i) => (i * 7) % 101),
    });
    const chart = scatterChart(df, "a.b", "y");
    const values = (chart.spec.data as { values: unknown[] }).values;
    expect(values.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(chart.title).toBe(`y against a.b (sample of ${values.length} of ${n} rows)`);
    expect(await renderSvg(chart.spec)).toMatch(/^<svg/);
  });

  it("builds box plots from exact quartiles and lines from means per time", async () => {
    // By hand: group a = 1..5 → q1 2, median 3, q3 4, whiskers 1 and 5.
    const df = pl.DataFrame({
      g: ["a", "a", "a", "a", "a", "b", "b"],
      v: [1, 2, 3, 4, 5, 10, 20],
      t: [1, 1, 2, 2, 3, 3, 4],
    });
    const box = boxChart(df, "v", "g");
    expect((box.spec.data as { values: unknown[] }).values[0]).toEqual({
      group: "a",
      lower: 1,
      q1: 2,
      median: 3,
      q3: 4,
      upper: 5,
      n: 5,
    });
    const line = lineChart(df, "t", "v");
    expect((line.spec.data as { values: unknown[] }).values).toEqual([
      { t: 1, y: 1.5 },
      { t: 2, y: 3.5 },
      { t: 3, y: 7.5 },
      { t: 4, y: 20 },
    ]);
    for (const chart of [box, line]) expect(await renderSvg(chart.spec)).toMatch(/^<svg/);
  });

  it("never loads data from outside", async () => {
    const spec = { data: { url: "https://example.invalid/data.json" }, mark: "point" };
    await expect(renderSvg(spec)).rejects.toThrow("chart data must be inline");
  });

  it("makes ids that are plain file names", () => {
    expect(chartId("hist", "../<script> Körper (g)")).toBe("hist-script-korper-g");
  });
});
