import { LLM_ENV_NAMES } from "@assay/contracts";
import { describe, expect, it } from "vitest";
import { LlmConfigError, LlmEnv, parseLlmConfig } from "./config.js";

describe("parseLlmConfig", () => {
  it("is null without an endpoint: the deterministic path is the default", () => {
    expect(parseLlmConfig({})).toBeNull();
    expect(parseLlmConfig({ OPENAI_API_KEY: "", OPENAI_MODEL: "llama3.1" })).toBeNull();
  });

  it("fills defaults for OpenAI from a key alone", () => {
    expect(parseLlmConfig({ OPENAI_API_KEY: "sk-x" })).toEqual({
      apiKey: "sk-x",
      model: "gpt-4o-mini",
      timeoutMs: 30_000,
      maxRetries: 2,
      tokenBudget: 50_000,
      sampleRows: 0,
    });
  });

  it("needs no key for a local server", () => {
    expect(
      parseLlmConfig({
        OPENAI_BASE_URL: "http://127.0.0.1:11434/v1",
        OPENAI_MODEL: "llama3.1",
        LLM_SEND_SAMPLE_ROWS: "5",
      }),
    ).toMatchObject({
      apiKey: "not-needed",
      baseURL: "http://127.0.0.1:11434/v1",
      model: "llama3.1",
      sampleRows: 5,
    });
  });

  it("names every bad variable in one readable error, without echoing the key", () => {
    const parse = () =>
      parseLlmConfig({
        OPENAI_API_KEY: "sk-secret",
        OPENAI_BASE_URL: "ftp://x",
        LLM_TIMEOUT_MS: "soon",
        LLM_MAX_RETRIES: "-1",
      });
    expect(parse).toThrow(LlmConfigError);
    expect(parse).toThrow(/OPENAI_BASE_URL[\s\S]*LLM_TIMEOUT_MS[\s\S]*LLM_MAX_RETRIES/);
    expect(parse).not.toThrow(/sk-secret/);
  });

  it("reads exactly the variables a scheduler passes to workers (contracts' LLM_ENV_NAMES)", () => {
    expect(Object.keys(LlmEnv.shape)).toEqual([...LLM_ENV_NAMES]);
  });
});
