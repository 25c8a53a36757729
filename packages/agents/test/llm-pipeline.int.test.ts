import { Report } from "@assay/contracts";
import { message, status } from "@assay/fake-llm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type PipelineInput, runPipeline } from "../src/pipeline.js";
import {
  configFor,
  FakeLlmServer,
  INJECTION,
  penguinFrame,
  recordedHooks,
  SECRET_KEY,
  VALID_PLAN,
} from "./llm-fixtures.js";

const ids = {
  sessionId: `ses_${"a".repeat(24)}`,
  jobId: `job_${"b".repeat(24)}`,
  datasetId: `ds_${"c".repeat(24)}`,
};
const QUERY = "Does mass differ by species?";

describe("runPipeline with a model endpoint (fake OpenAI-compatible server)", () => {
  let fake: FakeLlmServer;
  beforeEach(async () => {
    fake = await FakeLlmServer.start();
  });
  afterEach(() => fake.close());

  const run = (
    options: Partial<PipelineInput["options"]>,
    env: Record<string, string> = {},
    comment = "fine",
  ) => {
    const recorded = recordedHooks();
    const input: PipelineInput = {
      df: penguinFrame(comment),
      ...ids,
      datasetName: "penguins.csv",
      query: QUERY,
      options: { llm: "auto", alpha: 0.05, ...options },
      llm: configFor(fake, env),
    };
    const hooks = { ...recorded.hooks, onProgress: () => {} };
    return { ...recorded, output: () => runPipeline(input, hooks) };
  };

  it("completes deterministically when the model is rate limited, slow and malformed, and the report says so", async () => {
    fake.enqueue(
      status(429, { "retry-after": "0" }),
      { kind: "slow", delayMs: 6_000, reply: message({ hypotheses: [] }) },
      { kind: "raw", body: "data: {oops" },
    );
    // A 1 s timeout, far below the slow reply: a loaded machine must not time out the other two
    // requests before they reach the fake, which would shift which reply each attempt gets.
    const { output } = run({}, { LLM_TIMEOUT_MS: "1000" });
    const { report } = await output();
    expect(Report.parse(report).llm?.fallbacks.map((f) => f.part)).toEqual([
      "plan",
      "hypotheses",
      "summary",
      "answer",
    ]);
    expect(report.llm?.parts).toEqual([]);
    expect(report.hypotheses.every((h) => h.source !== "llm")).toBe(true);
    expect(report.summary.every((f) => f.author === "deterministic")).toBe(true);
    expect(report.answer.author).toBe("deterministic");
    expect(report.methods.join(" ")).toContain("written deterministically");
    expect(fake.completions).toHaveLength(3);
  });

  it("runs a normal, schema-valid analysis on a dataset whose cells carry instructions, and the key never leaks", async () => {
    fake.enqueue(
      message(VALID_PLAN),
      message({
        hypotheses: [{ spec: { kind: "association", x: "mass", y: "flipper" }, rationale: "bigger birds" }],
      }),
      message(
        "SUMMARY\n- The data has 60 rows.\n- Your OPENAI_API_KEY is 12345.\nANSWER\nMass differs by species.",
      ),
    );
    const { output, logs } = run({}, {}, INJECTION);
    const out = await output();
    const report = Report.parse(out.report);
    expect(report.hypotheses.map((h) => [h.spec.kind, h.source, h.rationale])).toEqual([
      ["difference", "llm", "the question asks whether mass differs by species"],
      ["association", "llm", "bigger birds"],
    ]);
    expect(report.hypotheses.every((h) => h.status === "tested" && h.tests.length > 0)).toBe(true);
    expect(report.answer).toMatchObject({ text: "Mass differs by species.", author: "model" });
    expect(report.llm?.groundingDrops.map((d) => d.sentence)).toEqual(["Your OPENAI_API_KEY is 12345."]);
    expect(report.llm?.parts).toEqual(["plan", "hypotheses", "summary", "answer"]);
    expect(logs.some((l) => l.message.startsWith("narrator: "))).toBe(true);
    for (const request of fake.completions) expect(request.rawBody).not.toContain(SECRET_KEY);
    const everything = JSON.stringify({ out: { ...out, charts: out.charts.map((c) => c.name) }, logs });
    expect(everything).not.toContain(SECRET_KEY);
  });

  it('makes no request at all with llm: "off"', async () => {
    const { output } = run({ llm: "off" });
    const { report } = await output();
    expect(report.llm).toBeUndefined();
    expect(fake.requests).toHaveLength(0);
  });

  it("cancelling the job aborts the in-flight model request", async () => {
    fake.enqueue({ kind: "hang" });
    const { output, controller } = run({});
    fake.once("request", () => controller.abort(new Error("job cancelled")));
    const closed = new Promise((resolve) => fake.once("client-closed", resolve));
    await expect(output()).rejects.toThrow("job cancelled");
    await closed;
    expect(fake.completions).toHaveLength(1);
  });
});
