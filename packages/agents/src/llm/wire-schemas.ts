import { DataOperation, HypothesisSpec } from "@assay/contracts";
import { z } from "zod";

/**
 * Structured outputs in strict mode need every field required: an optional or defaulted field of a
 * contract becomes a required nullable one on the wire, and `fromWire` turns null back into
 * "absent" before the contract schema parses it (which applies its defaults).
 */
function requiredNullable<T extends z.ZodDiscriminatedUnion<readonly z.ZodObject[]>>(union: T) {
  const options = union.options.map((option) => {
    const shape = Object.fromEntries(
      Object.entries(option.shape).map(([key, field]) => {
        if (field instanceof z.ZodOptional) return [key, (field.unwrap() as z.ZodType).nullable()];
        if (field instanceof z.ZodDefault) return [key, (field.unwrap() as z.ZodType).nullable()];
        return [key, field as z.ZodType];
      }),
    );
    return z.strictObject(shape);
  });
  return z.union(options as unknown as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]);
}

export const WireHypothesisSpec = requiredNullable(HypothesisSpec);
export const WireDataOperation = requiredNullable(DataOperation);

/** Drops the null fields the wire form adds, so the contract schema sees them as absent. */
export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, field]) => field !== null)
        .map(([key, field]) => [key, fromWire(field)]),
    );
  return value;
}
