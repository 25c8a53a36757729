import { narrate } from "../narrator/narrate.js";
import { planAnalysis } from "../planner/plan-analysis.js";
import type { AnalysisSteps } from "./analysis-steps.js";

/** Planning by the query's words and the profile; narration from computed results only. */
export const deterministicSteps: AnalysisSteps = {
  plan: async (context) =>
    planAnalysis({
      query: context.query,
      profile: context.profile,
      requested: context.requested,
      maxHypotheses: context.maxHypotheses,
    }),
  narrate: async (context) => narrate(context),
};
