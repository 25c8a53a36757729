import { z } from "zod";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const blankAsAbsent = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/** The environment a worker reads for the LLM path; every field has a default but the endpoint. */
export const LlmEnv = z.object({
  OPENAI_API_KEY: z.preprocess(blankAsAbsent, z.string().optional()),
  OPENAI_BASE_URL: z.preprocess(blankAsAbsent, z.url({ protocol: /^https?$/ }).optional()),
  OPENAI_MODEL: z.preprocess(blankAsAbsent, z.string().min(1).max(200).default("gpt-4o-mini")),
  /** Per request, each retry included separately. */
  LLM_TIMEOUT_MS: z.preprocess(blankAsAbsent, positiveInt(30_000)),
  /** Retries on 429, 5xx, timeouts and connection errors (the SDK's backoff, honouring Retry-After). */
  LLM_MAX_RETRIES: z.preprocess(blankAsAbsent, z.coerce.number().int().min(0).max(10).default(2)),
  /** Tokens (prompt + completion) one job may spend; past it the deterministic path takes over. */
  LLM_TOKEN_BUDGET: z.preprocess(blankAsAbsent, positiveInt(50_000)),
  /** Rows of raw data the planner may see; 0 sends none. */
  LLM_SEND_SAMPLE_ROWS: z.preprocess(blankAsAbsent, z.coerce.number().int().min(0).max(50).default(0)),
});

/** A configured endpoint. The api key stays inside the SDK client: never logged, sent only as the auth header. */
export const LlmConfig = z.object({
  apiKey: z.string(),
  baseURL: z.string().optional(),
  model: z.string(),
  timeoutMs: z.number().int().positive(),
  maxRetries: z.number().int().min(0),
  tokenBudget: z.number().int().positive(),
  sampleRows: z.number().int().min(0),
});
export type LlmConfig = z.infer<typeof LlmConfig>;

export class LlmConfigError extends Error {
  override readonly name = "LlmConfigError";
}

/**
 * The LLM settings from an environment, or null when no endpoint is configured (neither
 * OPENAI_API_KEY nor OPENAI_BASE_URL): then the deterministic path is all there is. Local servers
 * (Ollama, vLLM, LM Studio) need no key; a placeholder is sent because the SDK requires one.
 */
export function parseLlmConfig(env: Record<string, string | undefined>): LlmConfig | null {
  const result = LlmEnv.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new LlmConfigError(`invalid LLM configuration:\n${lines.join("\n")}`);
  }
  const parsed = result.data;
  if (!parsed.OPENAI_API_KEY && !parsed.OPENAI_BASE_URL) return null;
  return {
    apiKey: parsed.OPENAI_API_KEY ?? "not-needed",
    ...(parsed.OPENAI_BASE_URL ? { baseURL: parsed.OPENAI_BASE_URL } : {}),
    model: parsed.OPENAI_MODEL,
    timeoutMs: parsed.LLM_TIMEOUT_MS,
    maxRetries: parsed.LLM_MAX_RETRIES,
    tokenBudget: parsed.LLM_TOKEN_BUDGET,
    sampleRows: parsed.LLM_SEND_SAMPLE_ROWS,
  };
}
