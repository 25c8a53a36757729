import { DataOperation, HypothesisSpec, type Profile } from "@assay/contracts";
import type { z } from "zod";
import type { Plan } from "../planner/index.js";
import { hypothesisProblems, operationProblems } from "./check-columns.js";
import { datasetBrief } from "./dataset-brief.js";
import type { LlmClient } from "./llm-client.js";
import { LlmPlanAnswer } from "./plan-schema.js";
import { PLANNER_SYSTEM } from "./prompts.js";
import { askStructured } from "./structured-call.js";
import { fromWire } from "./wire-schemas.js";

export interface LlmPlanInput {
  query: string;
  profile: Profile;
  /** Raw rows the configuration allows the model to see (usually none). */
  sample: Record<string, unknown>[];
  maxHypotheses: number;
}

function checkPlan(profile: Profile, max: number) {
  return (answer: z.infer<typeof LlmPlanAnswer>) => {
    const problems: string[] = [];
    const hypotheses = answer.hypotheses.slice(0, max).map((h, index) => {
      const spec = HypothesisSpec.parse(fromWire(h.spec));
      problems.push(...hypothesisProblems(spec, profile, `hypotheses[${index}]`));
      return { spec, source: "llm" as const, rationale: h.rationale };
    });
    const operations = answer.operations.map((op) => DataOperation.parse(fromWire(op)));
    problems.push(...operationProblems(operations, profile));
    const notes = [`planned by the model: ${answer.notes}`];
    if (answer.hypotheses.length > max)
      notes.push(`kept the first ${max} of ${answer.hypotheses.length} hypotheses`);
    // The model plans one chain; it is the plan's single pipeline.
    const pipelines = operations.length > 0 ? [operations] : [];
    return { value: { hypotheses, pipelines, notes } satisfies Plan, problems };
  };
}

/** A plan from the model, in the deterministic planner's shape; throws LlmUnavailable when none is usable. */
export function planWithLlm(client: LlmClient, input: LlmPlanInput): Promise<Plan> {
  const document = {
    question: input.query,
    dataset: datasetBrief(input.profile, input.sample),
    limits: { maxHypotheses: input.maxHypotheses },
  };
  return askStructured(
    client,
    "plan",
    [
      { role: "system", content: PLANNER_SYSTEM },
      { role: "user", content: JSON.stringify(document) },
    ],
    LlmPlanAnswer,
    checkPlan(input.profile, input.maxHypotheses),
  );
}
