import type { LlmPart } from "@assay/contracts";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { z } from "zod";
import { type LlmClient, LlmInvalidAnswer } from "./llm-client.js";
import { LlmUnavailable } from "./llm-errors.js";

const MAX_PROBLEMS_FED_BACK = 20;

/** Checks a schema-valid answer against the dataset; problems make the answer invalid. */
export type AnswerCheck<Wire, T> = (answer: Wire) => { value: T; problems: string[] };

function accept<Wire, T>(schema: z.ZodType<Wire>, check: AnswerCheck<Wire, T>) {
  return (text: string): T => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new LlmInvalidAnswer(["the answer is not valid JSON"], text);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new LlmInvalidAnswer(
        parsed.error.issues.map((issue) => `${issue.path.join(".") || "(answer)"}: ${issue.message}`),
        text,
      );
    const { value, problems } = check(parsed.data);
    if (problems.length) throw new LlmInvalidAnswer(problems, text);
    return value;
  };
}

/**
 * Asks for an answer in the shape of `schema`, sent as a strict JSON schema (structured outputs).
 * The answer is only ever parsed: by the schema, then by `check`. An invalid answer is repaired
 * once, with the problems fed back; a second invalid answer throws LlmUnavailable.
 */
export async function askStructured<Wire, T>(
  client: LlmClient,
  purpose: LlmPart,
  messages: ChatCompletionMessageParam[],
  schema: z.ZodType<Wire>,
  check: AnswerCheck<Wire, T>,
): Promise<T> {
  // Imported here so the package loads without the SDK; the client loads it for the call anyway.
  const { zodResponseFormat } = await import("openai/helpers/zod");
  const responseFormat = zodResponseFormat(schema, purpose);
  const ask = (conversation: ChatCompletionMessageParam[]) =>
    client.complete(purpose, conversation, { responseFormat, accept: accept(schema, check) });
  try {
    return await ask(messages);
  } catch (error) {
    if (!(error instanceof LlmInvalidAnswer)) throw error;
    const problems = error.problems.slice(0, MAX_PROBLEMS_FED_BACK);
    const repair: ChatCompletionMessageParam[] = [
      ...messages,
      { role: "assistant", content: error.text },
      {
        role: "user",
        content: `That answer is invalid:\n${problems.map((p) => `- ${p}`).join("\n")}\nAnswer again with the whole corrected JSON. Use only columns listed in the dataset, with the kinds each field needs.`,
      },
    ];
    try {
      return await ask(repair);
    } catch (second) {
      if (!(second instanceof LlmInvalidAnswer)) throw second;
      throw new LlmUnavailable(
        "invalid",
        `the model's ${purpose} was invalid after one repair: ${second.problems.slice(0, 3).join("; ")}`,
      );
    }
  }
}
