import type { LlmCall } from "@assay/contracts";

/** A model answer the job cannot use; the caller falls back to the deterministic part. */
export class LlmUnavailable extends Error {
  override readonly name = "LlmUnavailable";
  constructor(
    readonly outcome: LlmCall["outcome"] | "budget",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Maps an SDK failure to a short reason fit for a report (no server body, no headers, no secrets). */
export async function classifyFailure(error: unknown): Promise<LlmUnavailable> {
  if (error instanceof LlmUnavailable) return error;
  // Loaded already by the call that failed (LlmClient imports the SDK lazily).
  const { default: OpenAI } = await import("openai");
  if (error instanceof OpenAI.APIConnectionTimeoutError)
    return new LlmUnavailable("timeout", "the model did not answer in time", { cause: error });
  if (error instanceof OpenAI.APIConnectionError)
    return new LlmUnavailable("unreachable", "the model endpoint could not be reached", { cause: error });
  if (error instanceof OpenAI.RateLimitError)
    return new LlmUnavailable("rate_limited", "the model endpoint kept answering 429 (rate limited)", {
      cause: error,
    });
  if (error instanceof OpenAI.InternalServerError)
    return new LlmUnavailable("server_error", `the model endpoint failed (HTTP ${error.status})`, {
      cause: error,
    });
  if (error instanceof OpenAI.APIError)
    return new LlmUnavailable(
      "error",
      `the model endpoint refused the request (HTTP ${error.status ?? "?"})`,
      {
        cause: error,
      },
    );
  if (error instanceof SyntaxError)
    return new LlmUnavailable("invalid", "the model's answer was not valid JSON", { cause: error });
  return new LlmUnavailable("error", "the model call failed", { cause: error });
}
