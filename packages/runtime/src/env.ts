import { DEFAULT_KEY_PREFIX } from "@assay/contracts";
import { z } from "zod";

/** Settings every process shares. */
export const CommonEnv = z.object({
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default(DEFAULT_KEY_PREFIX),
  DATA_DIR: z.string().min(1).default(".data"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  /** How many events a session's stream keeps (approximate trimming). */
  EVENTS_MAX_LEN: z.coerce.number().int().min(100).default(10_000),
});
export type CommonEnv = z.infer<typeof CommonEnv>;

export class EnvError extends Error {}

/** Parses the environment once at start; throws one readable message listing every bad variable. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  source: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(env)"}: ${issue.message}`);
  throw new EnvError(`invalid configuration:\n${lines.join("\n")}`);
}

/** Boolean env values as people write them. */
export const envBoolean = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((value) => value === "true" || value === "1" || value === "yes");
