import { ValidationFailed } from "@assay/contracts";
import type { z } from "zod";

/** Parses a request payload, answering 400 VALIDATION_FAILED with every zod issue in the message. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.join(".") || "(body)",
    message: issue.message,
  }));
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
  throw new ValidationFailed(`invalid request body: ${summary}`, issues);
}
