import type { Narration, NarrationContext } from "../steps/analysis-steps.js";
import { ANSWER_PARAGRAPH_BREAK, answerFromProfile } from "./answer.js";
import { rankedFindings } from "./findings.js";

/** The deterministic narration: ranked findings and an answer built only from computed results. */
export function narrate(context: NarrationContext): Narration {
  const answer = answerFromProfile(context.query, context.profile, context.hypotheses, context.tables);
  // When nothing in the answer came from the question itself (no table, only profile-proposed or
  // untested hypotheses), the planner's notes explain what it could not do with the question.
  const fromQuestion =
    context.tables.length > 0 ||
    context.hypotheses.some((h) => h.status === "tested" && h.source !== "profile");
  const why =
    !fromQuestion && context.planNotes.length > 0
      ? `${ANSWER_PARAGRAPH_BREAK}Planning notes: ${context.planNotes.join("; ")}.`
      : "";
  return {
    summary: rankedFindings(context.profile, context.hypotheses, context.alpha),
    answer: { ...answer, text: `${answer.text}${why}`, author: "deterministic" },
  };
}
