import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type JobStage, Report } from "@assay/contracts";
import pl from "nodejs-polars";
import { expect } from "vitest";
import { buildDocument } from "../src/narrator/document.js";
import { type PipelineHooks, type PipelineInput, type PipelineOutput, runPipeline } from "../src/pipeline.js";

/** A file of the npm package vega-datasets (a devDependency; its exports hide data/). */
export function datasetPath(name: string): string {
  return fileURLToPath(new URL(`../node_modules/vega-datasets/data/${name}`, import.meta.url));
}

export function loadDataset(name: string): pl.DataFrame {
  return name.endsWith(".csv")
    ? pl.readCSV(datasetPath(name))
    : pl.DataFrame(JSON.parse(readFileSync(datasetPath(name), "utf8")));
}

export const ids = {
  sessionId: `ses_${"a".repeat(24)}`,
  jobId: `job_${"b".repeat(24)}`,
  datasetId: `ds_${"c".repeat(24)}`,
};

export interface ProgressEvent {
  stage: JobStage;
  pct: number;
  detail?: string;
}

/** Runs the pipeline with deterministic steps and records every progress event. */
export async function analyse(
  df: pl.DataFrame,
  query: string,
  extra: Partial<PipelineInput> = {},
): Promise<PipelineOutput & { progress: ProgressEvent[] }> {
  const progress: ProgressEvent[] = [];
  const hooks: PipelineHooks = {
    onProgress: (stage, pct, detail) =>
      progress.push({ stage, pct, ...(detail === undefined ? {} : { detail }) }),
    onLog: () => {},
    signal: new AbortController().signal,
  };
  const out = await runPipeline(
    { df, ...ids, datasetName: "data", query, options: { llm: "off", alpha: 0.05 }, ...extra },
    hooks,
  );
  return { ...out, progress };
}

/** The report survives JSON (no NaN/Infinity), parses, and every finding cites results that exist. */
export function expectSoundReport(out: PipelineOutput): Report {
  const json = JSON.stringify(out.report);
  expect(json).not.toMatch(/NaN|Infinity/);
  for (const text of [out.markdown, out.html]) expect(text).not.toMatch(/\bNaN\b|\bInfinity\b/);
  const report = Report.parse(JSON.parse(json));
  const known = new Set<string>([
    "profile:overview",
    ...report.profile.associations.flatMap((a) => a.id ?? []),
    ...report.profile.alerts.flatMap((a) => a.id ?? []),
    ...report.hypotheses.flatMap((h) => h.tests.map((t) => t.id)),
  ]);
  expect(report.summary.length).toBeGreaterThanOrEqual(3);
  expect(report.summary.length).toBeLessThanOrEqual(6);
  for (const finding of report.summary) {
    expect(finding.resultIds.length).toBeGreaterThan(0);
    for (const id of finding.resultIds) expect(known.has(id), id).toBe(true);
  }
  for (const section of buildDocument(report))
    for (const block of section.blocks)
      if (block.kind === "table")
        for (const row of block.rows)
          expect(row.length, `${section.id}: ${block.columns}`).toBe(block.columns.length);
  return report;
}

export function closeTo(actual: number | undefined, expected: number, relative = 1e-7): void {
  expect(actual).toBeDefined();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(Math.abs(expected) * relative + 1e-12);
}
