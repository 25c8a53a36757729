import { z } from "zod";

const Column = z.string().min(1).max(256);

/** Explicit hypotheses a request may carry; the planner proposes the same shapes. */
export const HypothesisSpec = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("difference"),
    metric: Column,
    groupBy: Column,
    groups: z
      .array(z.union([z.string(), z.number(), z.boolean()]))
      .min(2)
      .max(50)
      .optional(),
  }),
  z.strictObject({ kind: z.literal("association"), x: Column, y: Column }),
  z.strictObject({ kind: z.literal("trend"), metric: Column, time: Column }),
  z.strictObject({
    kind: z.literal("regression"),
    target: Column,
    predictors: z.array(Column).min(1).max(20),
  }),
]);
export type HypothesisSpec = z.infer<typeof HypothesisSpec>;
