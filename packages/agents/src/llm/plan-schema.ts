import { z } from "zod";
import { WireDataOperation, WireHypothesisSpec } from "./wire-schemas.js";

const Rationale = z.string().min(1).max(600);

/** Most data operations a model plan may carry. */
export const MAX_LLM_OPERATIONS = 8;

/** What the planner model answers: hypotheses to test and declarative operations to run. */
export const LlmPlanAnswer = z.strictObject({
  hypotheses: z.array(z.strictObject({ spec: WireHypothesisSpec, rationale: Rationale })).max(50),
  operations: z.array(WireDataOperation).max(MAX_LLM_OPERATIONS),
  notes: z.string().max(1000),
});

/** What the hypothesis agent answers: more hypotheses, each with why it is worth testing. */
export const LlmHypothesesAnswer = z.strictObject({
  hypotheses: z.array(z.strictObject({ spec: WireHypothesisSpec, rationale: Rationale })).max(50),
});
