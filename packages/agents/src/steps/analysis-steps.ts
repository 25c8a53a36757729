import type {
  Finding,
  HypothesisResult,
  HypothesisSpec,
  Profile,
  Report,
  ResultTable,
} from "@assay/contracts";
import type { Plan } from "../planner/index.js";

/** What planning sees: the question, the profile, any hypotheses the request named, the cap. */
export interface PlanContext {
  query: string;
  profile: Profile;
  requested: readonly HypothesisSpec[];
  maxHypotheses: number;
  signal: AbortSignal;
}

/** What narration sees: everything computed, nothing raw. */
export interface NarrationContext {
  query: string;
  profile: Profile;
  hypotheses: readonly HypothesisResult[];
  /** Result tables of the plan's pipelines, in plan order, ids "t1", "t2"… */
  tables: readonly ResultTable[];
  /** The plan's notes (what the planner understood, what it could not do). */
  planNotes: readonly string[];
  alpha: number;
  signal: AbortSignal;
}

export interface Narration {
  summary: Finding[];
  answer: Report["answer"];
}

/**
 * The two replaceable steps of the pipeline. Each has a deterministic implementation; a language-model
 * implementation may replace either and fall back to the deterministic one itself.
 */
export interface AnalysisSteps {
  plan(context: PlanContext): Promise<Plan>;
  narrate(context: NarrationContext): Promise<Narration>;
}
