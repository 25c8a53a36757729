import { HypothesisSpec } from "@assay/contracts";
import { z } from "zod";

/** A hypothesis to test, with where it came from and why. */
export const PlannedHypothesis = z.object({
  spec: HypothesisSpec,
  source: z.enum(["request", "planner", "profile", "llm"]),
  rationale: z.string().optional(),
});
export type PlannedHypothesis = z.infer<typeof PlannedHypothesis>;
