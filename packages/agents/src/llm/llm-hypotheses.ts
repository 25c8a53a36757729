import { HypothesisSpec, type Profile } from "@assay/contracts";
import type { z } from "zod";
import type { PlannedHypothesis } from "../hypotheses/index.js";
import { hypothesisProblems } from "./check-columns.js";
import { datasetBrief } from "./dataset-brief.js";
import type { LlmClient } from "./llm-client.js";
import { LlmHypothesesAnswer } from "./plan-schema.js";
import { HYPOTHESES_SYSTEM } from "./prompts.js";
import { askStructured } from "./structured-call.js";
import { fromWire } from "./wire-schemas.js";

export interface LlmHypothesesInput {
  query: string;
  profile: Profile;
  sample: Record<string, unknown>[];
  /** Hypotheses already planned; the model's must differ from these. */
  planned: PlannedHypothesis[];
  maxHypotheses: number;
}

function checkHypotheses(input: LlmHypothesesInput) {
  const seen = new Set(input.planned.map((p) => JSON.stringify(p.spec)));
  return (answer: z.infer<typeof LlmHypothesesAnswer>) => {
    const problems: string[] = [];
    const proposed: PlannedHypothesis[] = [];
    answer.hypotheses.forEach((h, index) => {
      const spec = HypothesisSpec.parse(fromWire(h.spec));
      problems.push(...hypothesisProblems(spec, input.profile, `hypotheses[${index}]`));
      const key = JSON.stringify(spec);
      if (seen.has(key)) return; // a repeat is harmless: skip it rather than ask again
      seen.add(key);
      proposed.push({ spec, source: "llm", rationale: h.rationale });
    });
    return { value: proposed.slice(0, input.maxHypotheses), problems };
  };
}

/** More hypotheses from the model, each with its rationale; the statistics engine tests them all. */
export function proposeHypothesesWithLlm(
  client: LlmClient,
  input: LlmHypothesesInput,
): Promise<PlannedHypothesis[]> {
  const document = {
    question: input.query,
    dataset: datasetBrief(input.profile, input.sample),
    planned: input.planned.map((p) => p.spec),
    limits: { maxHypotheses: input.maxHypotheses },
  };
  return askStructured(
    client,
    "hypotheses",
    [
      { role: "system", content: HYPOTHESES_SYSTEM },
      { role: "user", content: JSON.stringify(document) },
    ],
    LlmHypothesesAnswer,
    checkHypotheses(input),
  );
}
