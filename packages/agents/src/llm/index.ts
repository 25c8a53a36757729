export { LlmConfig, LlmConfigError, LlmEnv, parseLlmConfig } from "./config.js";
export { createLlmAgents, LlmAgents } from "./llm-agents.js";
export type { LlmHooks, LlmLogLevel } from "./llm-client.js";
export { llmMethods } from "./llm-methods.js";
export { llmSteps } from "./llm-steps.js";
export type { NarrationResults } from "./results-brief.js";
