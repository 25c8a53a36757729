import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type JobStage, Report } from "@assay/contracts";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { OVERVIEW_RESULT_ID } from "./narrator/findings.js";
import { type PipelineHooks, type PipelineInput, runPipeline } from "./pipeline.js";

/** The Palmer penguins, as shipped by the npm package vega-datasets (a devDependency; its exports hide data/). */
function penguins(): pl.DataFrame {
  const path = fileURLToPath(new URL("../node_modules/vega-datasets/data/penguins.json", import.meta.url));
  return pl.DataFrame(JSON.parse(readFileSync(path, "utf8")));
}

const ids = {
  sessionId: `ses_${"a".repeat(24)}`,
  jobId: `job_${"b".repeat(24)}`,
  datasetId: `ds_${"c".repeat(24)}`,
};

function input(df: pl.DataFrame, query: string): PipelineInput {
  return { df, ...ids, datasetName: "penguins.json", query, options: { llm: "off", alpha: 0.05 } };
}

function recordingHooks(signal = new AbortController().signal) {
  const stages: JobStage[] = [];
  const hooks: PipelineHooks = {
    onProgress: (stage) => {
      if (stages.at(-1) !== stage) stages.push(stage);
    },
    onLog: () => {},
    signal,
  };
  return { hooks, stages };
}

describe("runPipeline on the penguins dataset", () => {
  it("profiles, charts and writes a report whose findings cite computed results", async () => {
    const { hooks, stages } = recordingHooks();
    const out = await runPipeline(input(penguins(), "Does body mass differ by species?"), hooks);

    expect(stages).toEqual(["profiling", "planning", "testing", "charting", "writing"]);
    const report = Report.parse(out.report);
    expect(report.profile).toMatchObject({ rows: 344, columns: 7, duplicateRows: 0 });
    const mass = report.profile.columnProfiles.find((c) => c.name === "Body Mass (g)");
    expect(mass).toMatchObject({ kind: "numeric", count: 342, missing: 2 });
    expect(report.profile.columnProfiles.find((c) => c.name === "Species")?.topValues?.[0]).toEqual({
      value: "Adelie",
      count: 152,
    });

    expect(report.summary.length).toBeGreaterThanOrEqual(3);
    expect(report.summary.length).toBeLessThanOrEqual(6);
    const known = new Set([
      OVERVIEW_RESULT_ID,
      ...report.profile.associations.map((a) => a.id),
      ...report.profile.alerts.map((a) => a.id),
      ...report.hypotheses.flatMap((h) => h.tests.map((t) => t.id)),
    ]);
    for (const finding of report.summary) {
      expect(finding.resultIds.length).toBeGreaterThan(0);
      for (const id of finding.resultIds) expect(known.has(id), id).toBe(true);
    }
    expect(report.answer.text).toContain("Body Mass (g)");
    expect(report.answer.text).toContain("Species");
    expect(report.methods.length).toBeGreaterThan(3);

    expect(out.charts.map((c) => c.name)).toContain("chart-heatmap-pearson.svg");
    for (const chart of out.charts) {
      expect(chart.name).toMatch(/^chart-[a-z0-9-]+\.svg$/);
      expect(chart.svg.startsWith("<svg")).toBe(true);
      expect(chart.png?.name).toBe(chart.name.replace(/\.svg$/, ".png"));
      // PNG signature: the bytes are a real image, not an error page.
      expect([...(chart.png?.bytes.subarray(0, 4) ?? [])]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    }
    for (const section of [
      "Summary",
      "Answer",
      "Data overview",
      "Data quality alerts",
      "Column profiles",
      "Hypotheses",
      "Methods",
    ]) {
      expect(out.markdown).toContain(`## ${section}`);
    }
    expect(out.markdown).toContain("(chart-heatmap-pearson.png)");
    expect(out.html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(out.html).not.toMatch(/<script|<link/i);
    expect(out.html).toContain("@media print");
  });

  it("stops with the abort reason when the signal fires", async () => {
    const controller = new AbortController();
    controller.abort(new Error("cancelled by test"));
    const { hooks } = recordingHooks(controller.signal);
    await expect(runPipeline(input(penguins(), "anything"), hooks)).rejects.toThrow("cancelled by test");
  });
});
