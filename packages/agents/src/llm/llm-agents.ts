import type { AnalysisOptions, LlmPart, LlmReport, Profile, Report } from "@assay/contracts";
import type pl from "nodejs-polars";
import type { PlannedHypothesis } from "../hypotheses/index.js";
import type { Plan } from "../planner/index.js";
import type { LlmConfig } from "./config.js";
import { sampleRows } from "./dataset-brief.js";
import { LlmClient, type LlmHooks, LlmInvalidAnswer } from "./llm-client.js";
import { LlmUnavailable } from "./llm-errors.js";
import { proposeHypothesesWithLlm } from "./llm-hypotheses.js";
import { LlmLedger } from "./llm-ledger.js";
import { type Narration, narrateWithLlm } from "./llm-narrator.js";
import { planWithLlm } from "./llm-planner.js";
import type { NarrationResults } from "./results-brief.js";

/**
 * The LLM agents of one job. Every method falls back instead of failing: it returns undefined, an
 * empty list or the deterministic narration, and records why in the report's llm section. Only
 * the job's own cancellation propagates.
 */
export class LlmAgents {
  private readonly client: LlmClient;
  private readonly ledger: LlmLedger;
  private sample: Record<string, unknown>[] | undefined;

  constructor(
    private readonly config: LlmConfig,
    private readonly hooks: LlmHooks,
  ) {
    this.ledger = new LlmLedger(config.model);
    this.client = new LlmClient(config, this.ledger, hooks);
  }

  /** A model plan, or undefined when the deterministic planner must take over. */
  async plan(input: {
    query: string;
    profile: Profile;
    df: pl.DataFrame;
    maxHypotheses: number;
  }): Promise<Plan | undefined> {
    const plan = await this.guard("plan", () =>
      planWithLlm(this.client, { ...input, sample: this.sampleOf(input.df) }),
    );
    if (plan) {
      this.ledger.wrote("plan");
      this.hooks.onLog(
        "info",
        `the model planned ${plan.hypotheses.length} hypotheses and ${plan.pipelines.flat().length} operations`,
      );
    }
    return plan;
  }

  /** Further hypotheses from the model (source "llm", with rationale); none when it cannot help. */
  async proposeHypotheses(input: {
    query: string;
    profile: Profile;
    df: pl.DataFrame;
    planned: PlannedHypothesis[];
    maxHypotheses: number;
  }): Promise<PlannedHypothesis[]> {
    if (input.maxHypotheses <= 0) return [];
    const proposed = await this.guard("hypotheses", () =>
      proposeHypothesesWithLlm(this.client, { ...input, sample: this.sampleOf(input.df) }),
    );
    if (proposed?.length) {
      this.ledger.wrote("hypotheses");
      this.hooks.onLog("info", `the model proposed ${proposed.length} more hypotheses`);
    }
    return proposed ?? [];
  }

  /** Summary and answer in the model's words where grounded; the deterministic ones otherwise. */
  async narrate(results: NarrationResults & { answer: Report["answer"]; alpha: number }): Promise<Narration> {
    const narration = await this.guard("summary", () =>
      narrateWithLlm(this.client, this.ledger, this.hooks, results),
    );
    if (narration) return narration;
    this.ledger.fellBack("answer", "the model wrote no narrative");
    return {
      summary: results.findings.map((f) => ({ ...f, author: "deterministic" })),
      answer: { ...results.answer, author: "deterministic" },
    };
  }

  /** The report's llm section: model, calls, fallbacks and grounding drops. */
  report(): LlmReport {
    return this.ledger.toReport();
  }

  private sampleOf(df: pl.DataFrame): Record<string, unknown>[] {
    this.sample ??= sampleRows(df, this.config.sampleRows);
    return this.sample;
  }

  private async guard<T>(part: LlmPart, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      this.hooks.signal.throwIfAborted();
      const reason =
        error instanceof LlmUnavailable
          ? error.message
          : error instanceof LlmInvalidAnswer
            ? `the model's answer was invalid: ${error.problems.slice(0, 3).join("; ")}`
            : `unexpected ${(error as Error).name ?? "error"} in the ${part} agent`;
      this.ledger.fellBack(part, reason);
      this.hooks.onLog("warn", `model ${part} not used (${reason}); the deterministic ${part} stands`);
      return undefined;
    }
  }
}

/**
 * The job's LLM agents, or null when none may be asked: no endpoint configured, or the request
 * says `llm: "off"`. Null means no request at all.
 */
export function createLlmAgents(
  config: LlmConfig | null | undefined,
  options: Pick<AnalysisOptions, "llm">,
  hooks: LlmHooks,
): LlmAgents | null {
  if (!config || options.llm === "off") return null;
  return new LlmAgents(config, hooks);
}
