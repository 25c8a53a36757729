/**
 * Settings a scheduler passes through from its own environment to every worker it starts: the
 * model endpoint of LLM mode (packages/agents parses them; its test keeps the two lists equal).
 */
export const LLM_ENV_NAMES = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OPENAI_MODEL",
  "LLM_TIMEOUT_MS",
  "LLM_MAX_RETRIES",
  "LLM_TOKEN_BUDGET",
  "LLM_SEND_SAMPLE_ROWS",
] as const;
export type LlmEnvName = (typeof LLM_ENV_NAMES)[number];
