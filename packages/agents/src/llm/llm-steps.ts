import type {
  Finding,
  HypothesisResult,
  HypothesisSpec,
  Profile,
  Report,
  ResultTable,
} from "@assay/contracts";
import type pl from "nodejs-polars";
import type { Plan } from "../planner/index.js";
import type { LlmAgents } from "./llm-agents.js";

/** The pipeline's planning context (structurally the steps seam's PlanContext). */
interface PlanContext {
  query: string;
  profile: Profile;
  requested: readonly HypothesisSpec[];
  maxHypotheses: number;
  signal: AbortSignal;
}

/** The pipeline's narration context (structurally the steps seam's NarrationContext). */
interface NarrationContext {
  query: string;
  profile: Profile;
  hypotheses: readonly HypothesisResult[];
  tables: readonly ResultTable[];
  planNotes: readonly string[];
  alpha: number;
  signal: AbortSignal;
}

interface Narration {
  summary: Finding[];
  answer: Report["answer"];
}

/** The steps a model may take over; the deterministic ones are the fallback and the baseline. */
export interface Steps {
  plan(context: PlanContext): Promise<Plan>;
  narrate(context: NarrationContext): Promise<Narration>;
}

/**
 * Planning and narration by the model, each falling back to `deterministic`:
 * - plan: hypotheses named in the request win (the model does not replace them); otherwise the
 *   model's plan, or the deterministic one when the model's is unusable. Then the hypothesis
 *   agent proposes more, up to the job's cap, each tested like any other.
 * - narrate: the deterministic narration first (baseline and fallback), then the model's words
 *   where every number is grounded.
 * `df` is read only for the raw-row sample the configuration may allow.
 */
export function llmSteps(agents: LlmAgents, deterministic: Steps, df: pl.DataFrame): Steps {
  return {
    async plan(context) {
      const modelPlan =
        context.requested.length === 0
          ? await agents.plan({
              query: context.query,
              profile: context.profile,
              df,
              maxHypotheses: context.maxHypotheses,
            })
          : undefined;
      const base = modelPlan ?? (await deterministic.plan(context));
      const room = context.maxHypotheses - base.hypotheses.length;
      const extra = await agents.proposeHypotheses({
        query: context.query,
        profile: context.profile,
        df,
        planned: base.hypotheses,
        maxHypotheses: room,
      });
      const notes = [...base.notes];
      if (context.requested.length === 0 && !modelPlan)
        notes.push(
          "the model's plan was not usable, so the deterministic planner planned (see the llm section)",
        );
      if (extra.length)
        notes.push(`the model proposed ${extra.length} more hypotheses, each tested like the others`);
      return { ...base, hypotheses: [...base.hypotheses, ...extra], notes };
    },
    async narrate(context) {
      const baseline = await deterministic.narrate(context);
      return agents.narrate({
        query: context.query,
        profile: context.profile,
        hypotheses: context.hypotheses,
        tables: context.tables,
        findings: baseline.summary,
        answer: baseline.answer,
        alpha: context.alpha,
      });
    },
  };
}
