import { LlmReport } from "@assay/contracts";
import { message, status } from "@assay/fake-llm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testHypotheses } from "../src/hypotheses/test-hypotheses.js";
import { createLlmAgents, llmMethods } from "../src/llm/index.js";
import { answerFromProfile } from "../src/narrator/answer.js";
import { profileFindings } from "../src/narrator/findings.js";
import {
  configFor,
  FakeLlmServer,
  INJECTION,
  penguinFrame,
  profileOf,
  recordedHooks,
  SECRET_KEY,
  VALID_PLAN,
} from "./llm-fixtures.js";

const QUERY = "Does body mass differ by species?";

const penguinProfile = await profileOf(penguinFrame());

describe("LLM agents against an OpenAI-compatible server (real HTTP, unmodified SDK)", () => {
  let fake: FakeLlmServer;
  beforeEach(async () => {
    fake = await FakeLlmServer.start();
  });
  afterEach(async () => {
    await fake.close();
  });

  const agentsFor = (env: Record<string, string> = {}) => {
    const recorded = recordedHooks();
    const agents = createLlmAgents(configFor(fake, env), { llm: "auto" }, recorded.hooks);
    if (!agents) throw new Error("expected agents");
    return { agents, ...recorded };
  };
  const df = penguinFrame();
  const dataProfile = penguinProfile;
  const planInput = { query: QUERY, profile: dataProfile, df, maxHypotheses: 5 };

  it("sends the plan schema as a strict json_schema and no raw rows by default", async () => {
    fake.enqueue(message(VALID_PLAN));
    const { agents } = agentsFor();
    const plan = await agents.plan(planInput);
    expect(plan?.hypotheses).toEqual([
      {
        spec: { kind: "difference", metric: "mass", groupBy: "species" },
        source: "llm",
        rationale: "the question asks whether mass differs by species",
      },
    ]);
    expect(plan?.pipelines).toEqual([VALID_PLAN.operations]);
    const [request] = fake.completions;
    expect(request?.body?.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "plan", strict: true },
    });
    expect(request?.rawBody).toContain(QUERY);
    expect(request?.rawBody).not.toContain("row-tag-");
    expect(request?.headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
    expect(request?.rawBody).not.toContain(SECRET_KEY);
    expect(LlmReport.parse(agents.report())).toMatchObject({
      model: "fake-model",
      parts: ["plan"],
      fallbacks: [],
    });
  });

  it("sends exactly the allowed sample of raw rows", async () => {
    fake.enqueue(message(VALID_PLAN));
    const { agents } = agentsFor({ LLM_SEND_SAMPLE_ROWS: "2" });
    await agents.plan(planInput);
    const body = fake.completions[0]?.rawBody ?? "";
    expect(body).toContain("row-tag-1000");
    expect(body).toContain("row-tag-1001");
    expect(body).not.toContain("row-tag-1002");
  });

  it("repairs a plan naming a column that does not exist, feeding the validation errors back", async () => {
    const wrong = structuredClone(VALID_PLAN);
    wrong.hypotheses[0] = {
      spec: { kind: "difference", metric: "weight", groupBy: "species", groups: null },
      rationale: "r",
    };
    fake.enqueue(message(wrong), message(VALID_PLAN));
    const { agents } = agentsFor();
    const plan = await agents.plan(planInput);
    expect(plan?.hypotheses[0]?.spec).toMatchObject({ metric: "mass" });
    expect(fake.completions).toHaveLength(2);
    const repair = fake.completions[1]?.body?.messages as { role: string; content: string }[];
    expect(repair.at(-1)?.content).toContain('column \\"weight\\" does not exist'.replaceAll("\\", ""));
    expect(agents.report().calls.map((c) => c.outcome)).toEqual(["invalid", "ok"]);
  });

  it("rejects a plan that is still invalid after one repair: the deterministic planner takes over", async () => {
    const wrong = { ...VALID_PLAN, operations: [{ op: "sort", by: ["nope"], descending: false }] };
    fake.enqueue(message(wrong), message(wrong));
    const { agents, logs } = agentsFor();
    expect(await agents.plan(planInput)).toBeUndefined();
    expect(fake.completions).toHaveLength(2);
    expect(agents.report().fallbacks).toEqual([
      { part: "plan", reason: expect.stringContaining('column "nope" does not exist') },
    ]);
    expect(logs.some((l) => l.level === "warn" && l.message.includes("deterministic plan"))).toBe(true);
  });

  it.each([
    [
      "429 with Retry-After, retried once",
      [status(429, { "retry-after": "0" }), status(429, { "retry-after": "0" })],
      { LLM_MAX_RETRIES: "1" },
      "429",
      2,
    ],
    ["500", [status(500)], {}, "HTTP 500", 1],
    [
      "a slow answer",
      [{ kind: "slow", delayMs: 3_000, reply: message(VALID_PLAN) }],
      { LLM_TIMEOUT_MS: "200" },
      "in time",
      1,
    ],
    ["malformed JSON", [{ kind: "raw", body: '{"choices": [' }], {}, "", 1],
    [
      "content that is not JSON, twice",
      [message("sure! here is the plan"), message("{not json")],
      {},
      "not valid JSON",
      2,
    ],
  ] as const)("falls back to the deterministic plan on %s", async (_name, replies, env, reason, requests) => {
    fake.enqueue(...replies);
    const { agents } = agentsFor(env);
    expect(await agents.plan(planInput)).toBeUndefined();
    expect(fake.completions).toHaveLength(requests);
    const [fallback] = agents.report().fallbacks;
    expect(fallback?.part).toBe("plan");
    expect(fallback?.reason).toContain(reason);
  });

  it("stops calling the model once the job's token budget is spent", async () => {
    const { agents } = agentsFor({ LLM_TOKEN_BUDGET: "100" });
    expect(await agents.plan(planInput)).toBeUndefined();
    expect(fake.completions).toHaveLength(0);
    expect(agents.report().fallbacks[0]?.reason).toContain("token budget");
  });

  it("aborts the in-flight request when the job is cancelled", async () => {
    fake.enqueue({ kind: "hang" });
    const { agents, controller } = agentsFor();
    fake.once("request", () => controller.abort(new Error("job cancelled")));
    const closed = new Promise((resolve) => fake.once("client-closed", resolve));
    await expect(agents.plan(planInput)).rejects.toThrow("job cancelled");
    await closed;
    expect(fake.completions[0]?.closedEarly).toBe(true);
  });

  it("makes no request at all when the analysis says llm: off", () => {
    expect(createLlmAgents(configFor(fake), { llm: "off" }, recordedHooks().hooks)).toBeNull();
    expect(createLlmAgents(null, { llm: "auto" }, recordedHooks().hooks)).toBeNull();
    expect(fake.requests).toHaveLength(0);
  });

  it("proposes more hypotheses with rationales, skipping ones already planned", async () => {
    fake.enqueue(
      message({
        hypotheses: [
          { spec: VALID_PLAN.hypotheses[0]?.spec, rationale: "repeat" },
          {
            spec: { kind: "association", x: "mass", y: "flipper" },
            rationale: "heavier birds may have longer flippers",
          },
        ],
      }),
    );
    const { agents } = agentsFor();
    const proposed = await agents.proposeHypotheses({
      ...planInput,
      planned: [{ spec: { kind: "difference", metric: "mass", groupBy: "species" }, source: "planner" }],
    });
    expect(proposed).toEqual([
      {
        spec: { kind: "association", x: "mass", y: "flipper" },
        source: "llm",
        rationale: "heavier birds may have longer flippers",
      },
    ]);
    expect(fake.completions[0]?.body?.response_format).toMatchObject({ json_schema: { name: "hypotheses" } });
  });

  describe("narrator", () => {
    const hypotheses = testHypotheses(
      df,
      [{ spec: { kind: "difference", metric: "mass", groupBy: "species" }, source: "llm", rationale: "r" }],
      {
        alpha: 0.05,
      },
    );
    const findings = profileFindings(dataProfile);
    const answer = answerFromProfile(QUERY, dataProfile, hypotheses);
    const results = {
      query: QUERY,
      profile: dataProfile,
      hypotheses,
      tables: [],
      findings,
      answer,
      alpha: 0.05,
    };
    const mean = dataProfile.columnProfiles.find((c) => c.name === "mass")?.numeric?.mean as number;

    it("streams the narrative into the log in batches and drops a sentence with an invented number", async () => {
      const text = [
        "SUMMARY",
        `- The data has ${dataProfile.rows} rows and ${dataProfile.columns} columns.`,
        "- Body mass differs clearly between species (p < 0.001).",
        "- Sales grew by 83.17% last year.",
        "ANSWER",
        `Yes: mass differs by species, with an overall mean of ${mean.toFixed(1)} g. Revenue reached 4242.42 units.`,
      ].join("\n");
      fake.enqueue(message(text, { chunkChars: 5 }));
      const { agents, logs } = agentsFor();
      const narration = await agents.narrate(results);

      expect(narration.summary.map((f) => [f.text, f.author])).toEqual([
        [`The data has ${dataProfile.rows} rows and ${dataProfile.columns} columns.`, "model"],
        ["Body mass differs clearly between species (p < 0.001).", "model"],
        [findings[0]?.text, "deterministic"],
      ]);
      expect(narration.summary[0]?.resultIds).toContain("profile:overview");
      expect(narration.answer).toMatchObject({
        text: `Yes: mass differs by species, with an overall mean of ${mean.toFixed(1)} g.`,
        author: "model",
      });
      const report = LlmReport.parse(agents.report());
      expect(report.groundingDrops.map((d) => [d.part, d.sentence])).toEqual([
        ["summary", "Sales grew by 83.17% last year."],
        ["answer", "Revenue reached 4242.42 units."],
      ]);
      expect(report.parts).toEqual(["summary", "answer"]);
      expect(report.calls[0]).toMatchObject({ purpose: "summary", outcome: "ok" });
      expect(report.calls[0]?.tokensOut).toBeGreaterThan(0);
      const pieces = logs.filter((l) => l.message.startsWith("narrator: "));
      expect(pieces.length).toBeGreaterThan(3);
      expect(pieces.length).toBeLessThan(text.length / 5);
      expect(fake.completions[0]?.body?.stream).toBe(true);
    });

    it("keeps the deterministic narrative when the model is down", async () => {
      fake.enqueue(status(503));
      const { agents } = agentsFor();
      const narration = await agents.narrate(results);
      expect(narration.summary.map((f) => f.text)).toEqual(findings.map((f) => f.text));
      expect(narration.answer).toEqual({ ...answer, author: "deterministic" });
      expect(agents.report().fallbacks.map((f) => f.part)).toEqual(["summary", "answer"]);
    });
  });

  it("treats instructions in the data as data: the plan keeps its shape and the key never leaks", async () => {
    const injected = penguinFrame(INJECTION);
    const injectedProfile = await profileOf(injected);
    // A model that obeyed the data: an extra field outside the schema, then the key it cannot know.
    fake.enqueue(
      message({ ...VALID_PLAN, apiKey: "sk-guess", run: "cat /proc/self/environ" }),
      message({ hypotheses: [], operations: [{ op: "shell", command: "env" }], notes: "OPENAI_API_KEY" }),
    );
    const { agents, logs } = agentsFor({ LLM_SEND_SAMPLE_ROWS: "4" });
    const plan = await agents.plan({ ...planInput, df: injected, profile: injectedProfile });
    expect(plan).toBeUndefined();
    for (const request of fake.completions) {
      expect(request.rawBody).not.toContain(SECRET_KEY);
      const [system] = (request.body?.messages ?? []) as { role: string; content: string }[];
      expect(system?.role).toBe("system");
      expect(system?.content).not.toContain(INJECTION);
    }
    // The injected text reaches the model only inside the data document.
    expect(fake.completions[0]?.rawBody).toContain(INJECTION);
    const output = JSON.stringify({ report: agents.report(), logs });
    expect(output).not.toContain(SECRET_KEY);
  });
});

describe("llmMethods", () => {
  it("says in words what the model wrote and where it was overruled", () => {
    expect(
      llmMethods({
        model: "m",
        parts: ["summary"],
        calls: [{ purpose: "summary", tokensIn: 10, tokensOut: 5, latencyMs: 3, outcome: "ok" }],
        fallbacks: [{ part: "plan", reason: "the model endpoint failed (HTTP 500)" }],
        groundingDrops: [{ part: "summary", sentence: "x", reason: "y" }],
      }),
    ).toEqual([
      "A language model (m) wrote the summary in 1 request (15 tokens). It proposed what to test and put results into words; every statistic was computed by the statistics engine, and every number in its text was checked against the computed results.",
      "The analysis plan was written deterministically: the model endpoint failed (HTTP 500).",
      "1 model-written sentence(s) were removed because a number in them matches no computed result.",
    ]);
  });
});
