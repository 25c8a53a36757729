import type { LlmReport } from "@assay/contracts";

const PART_NAMES: Record<LlmReport["parts"][number], string> = {
  plan: "the analysis plan",
  hypotheses: "further hypotheses",
  summary: "the summary",
  answer: "the answer",
};

/** Methods lines saying, in words, what the model wrote and where the deterministic path took over. */
export function llmMethods(llm: LlmReport): string[] {
  const lines: string[] = [];
  const tokens = llm.calls.reduce((sum, c) => sum + c.tokensIn + c.tokensOut, 0);
  if (llm.parts.length)
    lines.push(
      `A language model (${llm.model}) wrote ${llm.parts.map((p) => PART_NAMES[p]).join(", ")} in ${llm.calls.length} request${llm.calls.length === 1 ? "" : "s"} (${tokens} tokens). It proposed what to test and put results into words; every statistic was computed by the statistics engine, and every number in its text was checked against the computed results.`,
    );
  for (const fallback of llm.fallbacks)
    lines.push(
      `${PART_NAMES[fallback.part]} was written deterministically: ${fallback.reason}.`.replace(/^./, (c) =>
        c.toUpperCase(),
      ),
    );
  if (llm.groundingDrops.length)
    lines.push(
      `${llm.groundingDrops.length} model-written sentence(s) were removed because a number in them matches no computed result.`,
    );
  return lines;
}
