import type { LlmPart } from "@assay/contracts";
import type OpenAI from "openai";
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { LlmConfig } from "./config.js";
import { classifyFailure, LlmUnavailable } from "./llm-errors.js";
import type { LlmLedger } from "./llm-ledger.js";

export type LlmLogLevel = "debug" | "info" | "warn" | "error";

/** The part of the pipeline's hooks the LLM agents use. */
export interface LlmHooks {
  onLog(level: LlmLogLevel, message: string): void;
  signal: AbortSignal;
}

type ResponseFormat = ChatCompletionCreateParamsNonStreaming["response_format"];

/** Most completion tokens one answer may take, within what the budget leaves. */
const MAX_COMPLETION_TOKENS = 4_096;
/** The SDK's longest backoff between retries (its default schedule caps at 8 s). */
const MAX_BACKOFF_MS = 8_000;

/** Thrown by an `accept` function when the text is unusable; the call is recorded as invalid. */
export class LlmInvalidAnswer extends Error {
  override readonly name = "LlmInvalidAnswer";
  constructor(
    readonly problems: string[],
    readonly text: string,
  ) {
    super(problems.join("; "));
  }
}

const estimateTokens = (messages: ChatCompletionMessageParam[]) =>
  Math.ceil(JSON.stringify(messages).length / 4);

/**
 * One job's access to the model. Retries, backoff and Retry-After come from the SDK (configured,
 * not re-implemented); on top of it: a token budget per job, an overall deadline per call (the
 * SDK's retry sleeps are not abortable and a Retry-After can be long), cancellation through the
 * job's signal, and a ledger entry for every call. Failures become LlmUnavailable; cancellation is
 * rethrown as the job's abort reason.
 */
export class LlmClient {
  private sdk: Promise<OpenAI> | undefined;

  constructor(
    private readonly config: LlmConfig,
    private readonly ledger: LlmLedger,
    private readonly hooks: LlmHooks,
  ) {}

  /** The SDK loads on the first call (~0.1 s CPU), not when the package is imported. */
  private client(): Promise<OpenAI> {
    this.sdk ??= import("openai").then(
      ({ default: OpenAI }) =>
        new OpenAI({
          apiKey: this.config.apiKey,
          ...(this.config.baseURL ? { baseURL: this.config.baseURL } : {}),
          timeout: this.config.timeoutMs,
          maxRetries: this.config.maxRetries,
          // The SDK would log through console; the job's log is the place, and only our short reasons go there.
          logLevel: "off",
        }),
    );
    return this.sdk;
  }

  get model(): string {
    return this.config.model;
  }

  /** One answer, checked by `accept` (which throws LlmInvalidAnswer on unusable text). */
  async complete<T>(
    purpose: LlmPart,
    messages: ChatCompletionMessageParam[],
    opts: { responseFormat?: ResponseFormat; accept(text: string): T },
  ): Promise<T> {
    return this.call(purpose, messages, async (signal, maxTokens) => {
      const response = await (await this.client()).chat.completions.create(
        {
          model: this.config.model,
          messages,
          temperature: 0,
          max_completion_tokens: maxTokens,
          ...(opts.responseFormat ? { response_format: opts.responseFormat } : {}),
        },
        { signal },
      );
      const text = response.choices[0]?.message.content ?? "";
      return { text, usage: response.usage, accept: opts.accept };
    });
  }

  /** A streamed answer: `onText` gets each piece as it arrives. */
  async stream<T>(
    purpose: LlmPart,
    messages: ChatCompletionMessageParam[],
    opts: { onText(delta: string): void; accept(text: string): T },
  ): Promise<T> {
    return this.call(purpose, messages, async (signal, maxTokens) => {
      const stream = await (await this.client()).chat.completions.create(
        {
          model: this.config.model,
          messages,
          temperature: 0.2,
          max_completion_tokens: maxTokens,
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal },
      );
      let text = "";
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta.content;
        if (delta) {
          text += delta;
          opts.onText(delta);
        }
        if (chunk.usage) usage = chunk.usage;
      }
      return { text, usage, accept: opts.accept };
    });
  }

  private async call<T>(
    purpose: LlmPart,
    messages: ChatCompletionMessageParam[],
    request: (
      signal: AbortSignal,
      maxTokens: number,
    ) => Promise<{ text: string; usage: OpenAI.CompletionUsage | null | undefined; accept(text: string): T }>,
  ): Promise<T> {
    this.hooks.signal.throwIfAborted();
    const prompt = estimateTokens(messages);
    const left = this.config.tokenBudget - this.ledger.tokensUsed - prompt;
    if (left < 64)
      throw new LlmUnavailable("budget", `the job's token budget (${this.config.tokenBudget}) is spent`);
    const deadlineMs =
      this.config.timeoutMs * (this.config.maxRetries + 1) + MAX_BACKOFF_MS * this.config.maxRetries;
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = AbortSignal.any([this.hooks.signal, deadline]);
    const started = performance.now();
    const record = (
      outcome: Parameters<LlmLedger["call"]>[0]["outcome"],
      tokensIn: number,
      tokensOut: number,
    ) =>
      this.ledger.call({
        purpose,
        tokensIn,
        tokensOut,
        latencyMs: Math.round(performance.now() - started),
        outcome,
      });
    let answer: Awaited<ReturnType<typeof request>>;
    try {
      answer = await untilAborted(request(signal, Math.min(left, MAX_COMPLETION_TOKENS)), signal);
    } catch (error) {
      this.hooks.signal.throwIfAborted();
      const failure = deadline.aborted
        ? new LlmUnavailable("timeout", `the model did not answer in time (${deadlineMs} ms)`, {
            cause: error,
          })
        : await classifyFailure(error);
      record(failure.outcome === "budget" ? "error" : failure.outcome, 0, 0);
      throw failure;
    }
    const tokensIn = answer.usage?.prompt_tokens ?? prompt;
    const tokensOut = answer.usage?.completion_tokens ?? Math.ceil(answer.text.length / 4);
    try {
      const accepted = answer.accept(answer.text);
      record("ok", tokensIn, tokensOut);
      return accepted;
    } catch (error) {
      record("invalid", tokensIn, tokensOut);
      throw error;
    }
  }
}

/** Settles with `work`, or rejects as soon as `signal` aborts (the SDK may still be asleep between retries). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
