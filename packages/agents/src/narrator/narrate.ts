import type { Narration, NarrationContext } from "../steps/analysis-steps.js";
import { answerFromProfile } from "./answer.js";
import { rankedFindings } from "./findings.js";

/** The deterministic narration: ranked findings and an answer built only from computed results. */
export function narrate(context: NarrationContext): Narration {
  return {
    summary: rankedFindings(context.profile, context.hypotheses, context.alpha),
    answer: {
      ...answerFromProfile(context.query, context.profile, context.hypotheses, context.tables),
      author: "deterministic",
    },
  };
}
