import { z } from "zod";

const Column = z.string().min(1).max(256);
const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const Aggregation = z.enum(["count", "mean", "median", "sum", "min", "max"]);
export type Aggregation = z.infer<typeof Aggregation>;

export const Measure = z.strictObject({ column: Column, agg: Aggregation });
export type Measure = z.infer<typeof Measure>;

/**
 * A declarative data-analysis step, executed by polars and never as code. The deterministic planner
 * and the LLM planner emit the same shape. Steps of one list run in order on the output of the last.
 */
export const DataOperation = z.discriminatedUnion("op", [
  z.strictObject({
    op: z.literal("filter"),
    column: Column,
    cmp: z.enum(["eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "is_null", "not_null"]),
    value: z.union([Scalar, z.array(Scalar).max(1000)]).optional(),
  }),
  z.strictObject({
    op: z.literal("group_by"),
    by: z.array(Column).min(1).max(5),
    measures: z.array(Measure).min(1).max(20),
  }),
  z.strictObject({
    op: z.literal("top_k"),
    column: Column,
    k: z.number().int().min(1).max(10_000),
    descending: z.boolean().default(true),
  }),
  z.strictObject({
    op: z.literal("sort"),
    by: z.array(Column).min(1).max(5),
    descending: z.boolean().default(false),
  }),
  z.strictObject({
    op: z.literal("resample"),
    time: Column,
    every: z.enum(["day", "week", "month", "year"]),
    measures: z.array(Measure).min(1).max(20),
  }),
  z.strictObject({
    op: z.literal("pivot"),
    index: Column,
    columns: Column,
    values: Column,
    agg: Aggregation,
  }),
]);
export type DataOperation = z.infer<typeof DataOperation>;
