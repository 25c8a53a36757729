import { FakeLlmServer, message } from "@assay/fake-llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readVegaDataset } from "./datasets.js";
import { startTestStack, type TestStack } from "./stack-fixture.js";

// The scheduler passes the OPENAI_* settings through to each worker; the worker's pipeline thread
// talks to the (fake) OpenAI-compatible endpoint over real HTTP.
const SECRET = "sk-e2e-secret-never-in-output";

describe("LLM mode through the whole stack", () => {
  let fake: FakeLlmServer;
  let t: TestStack;
  beforeAll(async () => {
    fake = await FakeLlmServer.start();
    t = await startTestStack({
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: SECRET,
      OPENAI_MODEL: "fake-model",
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it("plans with the model, tests its hypothesis, keeps the key out of every output; llm:off asks nothing", async () => {
    const session = await t.client.createSession();
    const dataset = await t.client.uploadDataset(session.id, await readVegaDataset("seattle-weather.csv"), {
      name: "weather.csv",
      contentType: "text/csv",
    });
    fake.enqueue(
      message({
        hypotheses: [
          {
            spec: { kind: "difference", metric: "temp_max", groupBy: "weather", groups: null },
            rationale: "the question compares temperatures across weather types",
          },
        ],
        operations: [{ op: "group_by", by: ["weather"], measures: [{ column: "temp_max", agg: "mean" }] }],
        notes: "compare temp_max by weather",
      }),
    );
    // Later calls (more hypotheses, narration) get the fake's 500: the job must fall back, not fail.
    const accepted = await t.client.submitAnalysis(session.id, {
      datasetId: dataset.id,
      query: "Is it warmer on sunny days?",
    });
    const job = await t.client.waitForJob(accepted.jobId);
    expect(job.status).toBe("succeeded");

    const first = fake.completions[0]!;
    expect(first.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(first.body?.response_format).toMatchObject({ type: "json_schema" });
    expect(first.rawBody).not.toContain("2012-01-02"); // no raw rows by default (min/max dates are profile facts)

    const report = await t.client.report(accepted.jobId, "json");
    expect(report.llm?.model).toBe("fake-model");
    const tested = report.hypotheses.find(
      (h) => h.spec.kind === "difference" && h.spec.metric === "temp_max" && h.spec.groupBy === "weather",
    );
    expect(tested?.status).toBe("tested");
    expect(tested?.tests.some((test) => test.role === "primary")).toBe(true);
    expect(report.llm?.fallbacks.length).toBeGreaterThan(0);

    const texts = await Promise.all([
      t.client.report(accepted.jobId, "markdown"),
      t.client.report(accepted.jobId, "html"),
      JSON.stringify(report),
      (async () => {
        const all: string[] = [];
        for await (const stored of t.client.jobEvents(accepted.jobId)) all.push(JSON.stringify(stored));
        return all.join("\n");
      })(),
    ]);
    for (const text of texts) expect(text).not.toContain(SECRET);

    const before = fake.completions.length;
    const off = await t.client.submitAnalysis(session.id, {
      datasetId: dataset.id,
      query: "Is it warmer on sunny days?",
      options: { llm: "off" },
    });
    expect((await t.client.waitForJob(off.jobId)).status).toBe("succeeded");
    expect(fake.completions.length).toBe(before);
    expect((await t.client.report(off.jobId, "json")).llm).toBeUndefined();
  });
});
