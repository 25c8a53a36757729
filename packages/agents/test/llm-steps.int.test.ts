import { LlmReport } from "@assay/contracts";
import { message, status } from "@assay/fake-llm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLlmAgents, llmSteps } from "../src/llm/index.js";
import {
  configFor,
  FakeLlmServer,
  penguinFrame,
  profileOf,
  recordedHooks,
  VALID_PLAN,
} from "./llm-fixtures.js";

const df = penguinFrame();
const dataProfile = await profileOf(df);
const QUERY = "Does mass differ by species?";

/** The deterministic steps' stand-in: a fixed plan and narration, so only the model's part varies. */
const deterministic = {
  plan: async () => ({
    hypotheses: [
      { spec: { kind: "association" as const, x: "mass", y: "flipper" }, source: "profile" as const },
    ],
    pipelines: [],
    notes: ["deterministic plan"],
  }),
  narrate: async () => ({
    summary: [{ id: "f1", text: `The data has ${dataProfile.rows} rows.`, resultIds: ["profile:overview"] }],
    answer: { text: "Deterministic answer.", tables: [], author: "deterministic" as const },
  }),
};

describe("llmSteps: the pipeline's plan and narrate steps with a model", () => {
  let fake: FakeLlmServer;
  beforeEach(async () => {
    fake = await FakeLlmServer.start();
  });
  afterEach(() => fake.close());

  const stepsFor = () => {
    const recorded = recordedHooks();
    const agents = createLlmAgents(configFor(fake), { llm: "auto" }, recorded.hooks);
    if (!agents) throw new Error("expected agents");
    return { agents, steps: llmSteps(agents, deterministic, df), signal: recorded.controller.signal };
  };
  const planContext = (signal: AbortSignal, requested: never[] = []) => ({
    query: QUERY,
    profile: dataProfile,
    requested,
    maxHypotheses: 4,
    signal,
  });

  it("plans with the model, adds the hypothesis agent's proposals, and narrates", async () => {
    fake.enqueue(
      message(VALID_PLAN),
      message({
        hypotheses: [
          { spec: { kind: "association", x: "mass", y: "flipper" }, rationale: "size goes together" },
        ],
      }),
      message(`SUMMARY\n- There are ${dataProfile.rows} rows.\nANSWER\nMass differs by species.`),
    );
    const { agents, steps, signal } = stepsFor();
    const plan = await steps.plan(planContext(signal));
    expect(plan.hypotheses.map((h) => [h.spec.kind, h.source])).toEqual([
      ["difference", "llm"],
      ["association", "llm"],
    ]);
    const narration = await steps.narrate({
      query: QUERY,
      profile: dataProfile,
      hypotheses: [],
      tables: [],
      planNotes: plan.notes,
      alpha: 0.05,
      signal,
    });
    expect(narration.answer).toMatchObject({ text: "Mass differs by species.", author: "model" });
    expect(narration.summary.map((f) => f.author)).toEqual(["model", "deterministic"]);
    const report = LlmReport.parse(agents.report());
    expect(report.parts).toEqual(["plan", "hypotheses", "summary", "answer"]);
    expect(report.calls.map((c) => c.purpose)).toEqual(["plan", "hypotheses", "summary"]);
  });

  it("completes deterministically when the model is down, and says so", async () => {
    fake.enqueue(status(500), status(500), status(500));
    const { agents, steps, signal } = stepsFor();
    const plan = await steps.plan(planContext(signal));
    expect(plan.hypotheses).toEqual((await deterministic.plan()).hypotheses);
    expect(plan.notes.at(-1)).toContain("deterministic planner planned");
    const narration = await steps.narrate({
      query: QUERY,
      profile: dataProfile,
      hypotheses: [],
      tables: [],
      planNotes: [],
      alpha: 0.05,
      signal,
    });
    const baseline = await deterministic.narrate();
    expect(narration).toEqual({
      summary: baseline.summary.map((f) => ({ ...f, author: "deterministic" })),
      answer: baseline.answer,
    });
    expect(agents.report().fallbacks.map((f) => f.part)).toEqual(["plan", "hypotheses", "summary", "answer"]);
  });
});
