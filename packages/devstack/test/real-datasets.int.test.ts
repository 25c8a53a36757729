import type { Report, TestResult } from "@assay/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readVegaDataset } from "./datasets.js";
import { startTestStack, type TestStack } from "./stack-fixture.js";

// Real datasets from vega-datasets, uploaded over HTTP as their JSON files and analysed by a real
// worker. Expected values: scipy 1.17.1 on the same data (the same numbers the agents' own
// pipeline tests pin), so the whole path adds nothing and loses nothing.
const close = (actual: number | undefined, expected: number, relative = 1e-6) =>
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(Math.abs(expected) * relative);

const testsOf = (report: Report, kind: string) => {
  const hypothesis = report.hypotheses.find((h) => h.spec.kind === kind && h.status === "tested");
  expect(hypothesis).toBeDefined();
  return new Map<string, TestResult>(hypothesis!.tests.map((test) => [test.name, test]));
};

describe("real datasets through the worker", () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(async () => {
    await t?.close();
  });

  const analyse = async (file: string, query: string) => {
    const session = await t.client.createSession();
    const dataset = await t.client.uploadDataset(session.id, await readVegaDataset(file), {
      name: file,
      contentType: "application/json",
    });
    const accepted = await t.client.submitAnalysis(session.id, { datasetId: dataset.id, query });
    const job = await t.client.waitForJob(accepted.jobId);
    expect(job.status).toBe("succeeded");
    return t.client.report(accepted.jobId, "json");
  };

  it("penguins: body mass differs by species (ANOVA family as scipy computes it)", async () => {
    const report = await analyse("penguins.json", "Does body mass differ by species?");
    const tests = testsOf(report, "difference");
    close(tests.get("anova_oneway")?.statistic, 343.626275205481); // scipy.stats.f_oneway
    close(tests.get("kruskal_wallis")?.statistic, 217.59924143680436); // scipy.stats.kruskal
    close(tests.get("levene")?.statistic, 5.12025099751946); // scipy.stats.levene(center="median")
    const primary = [...tests.values()].find((test) => test.role === "primary")!;
    expect(report.summary.some((finding) => finding.resultIds.includes(primary.id))).toBe(true);
  });

  it("cars: Horsepower against Miles_per_Gallon (three correlations as scipy computes them)", async () => {
    const report = await analyse("cars.json", "how does Horsepower relate to Miles_per_Gallon?");
    const tests = testsOf(report, "association");
    close(tests.get("pearson_r")?.statistic, -0.7784267838977761); // scipy.stats.pearsonr
    close(tests.get("spearman_rho")?.statistic, -0.8536164024453882); // scipy.stats.spearmanr
    close(tests.get("kendall_tau")?.statistic, -0.6791658132611216); // scipy.stats.kendalltau
    expect(tests.get("pearson_r")?.n).toBe(392);
    expect(report.answer.text).toMatch(/Horsepower/);
  });
});
