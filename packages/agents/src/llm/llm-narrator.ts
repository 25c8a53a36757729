import type { Finding, Report } from "@assay/contracts";
import { checkSentence, indexResults, sentences } from "./grounding.js";
import type { LlmClient, LlmHooks } from "./llm-client.js";
import { LlmInvalidAnswer } from "./llm-client.js";
import type { LlmLedger } from "./llm-ledger.js";
import { NARRATOR_SYSTEM } from "./prompts.js";
import { type NarrationResults, resultsBrief } from "./results-brief.js";
import { TokenBatcher } from "./token-batcher.js";

const MIN_FINDINGS = 3;
const MAX_FINDINGS = 6;

export interface Narration {
  summary: Finding[];
  answer: Report["answer"];
}

/** The model's text split at its two headings; bullets become findings. */
function parseNarration(text: string): { bullets: string[]; answer: string } {
  const match = /SUMMARY\s*\n([\s\S]*?)\n\s*ANSWER\s*\n([\s\S]*)/i.exec(
    text.replace(/[#*]+\s*(SUMMARY|ANSWER)\**/gi, "$1"),
  );
  if (!match) throw new LlmInvalidAnswer(["the narrative lacks the SUMMARY and ANSWER headings"], text);
  const bullets = (match[1] ?? "")
    .split("\n")
    .map((line) => line.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, "").trim())
    .filter(Boolean);
  return { bullets, answer: (match[2] ?? "").trim() };
}

/**
 * The summary and answer in the model's words, streamed into the job log as they are written. Every
 * number must match a computed result: a sentence with one that does not is dropped and recorded.
 * Parts with nothing left fall back to the deterministic narrator's (passed in `results`).
 * Throws LlmUnavailable when the model cannot be used at all.
 */
export async function narrateWithLlm(
  client: LlmClient,
  ledger: LlmLedger,
  hooks: LlmHooks,
  results: NarrationResults & { answer: Report["answer"]; alpha: number },
): Promise<Narration> {
  const document = resultsBrief(results);
  const index = indexResults(document, "results");
  const batcher = new TokenBatcher((piece) => hooks.onLog("info", `narrator: ${piece}`));
  const parsed = await client
    .stream(
      "summary",
      [
        { role: "system", content: NARRATOR_SYSTEM },
        { role: "user", content: JSON.stringify(document) },
      ],
      { onText: (delta) => batcher.push(delta), accept: parseNarration },
    )
    .finally(() => batcher.flush());

  const grounded = (part: "summary" | "answer", text: string) => {
    const kept: string[] = [];
    const resultIds = new Set<string>();
    for (const sentence of sentences(text)) {
      const check = checkSentence(sentence, index, results.alpha);
      if (check.grounded) {
        kept.push(sentence);
        for (const id of check.resultIds) resultIds.add(id);
      } else ledger.dropped(part, sentence, `no computed result matches ${check.unmatched.join(", ")}`);
    }
    return { text: kept.join(" "), resultIds: [...resultIds] };
  };

  const modelFindings: Finding[] = parsed.bullets
    .slice(0, MAX_FINDINGS)
    .map((bullet) => grounded("summary", bullet))
    .filter((f) => f.text)
    .map((f, k) => ({ id: `f${k + 1}`, text: f.text, resultIds: f.resultIds, author: "model" as const }));
  let summary = modelFindings;
  if (modelFindings.length === 0) {
    ledger.fellBack("summary", "no sentence of the model's summary survived the grounding check");
    summary = results.findings.map((f) => ({ ...f, author: "deterministic" as const }));
  } else {
    ledger.wrote("summary");
    const topUp = results.findings.slice(0, Math.max(0, MIN_FINDINGS - modelFindings.length));
    summary = [...modelFindings, ...topUp.map((f) => ({ ...f, author: "deterministic" as const }))].map(
      (f, k) => ({
        ...f,
        id: `f${k + 1}`,
      }),
    );
  }

  const answerText = grounded("answer", parsed.answer).text;
  let answer: Report["answer"];
  if (answerText) {
    ledger.wrote("answer");
    answer = { ...results.answer, text: answerText, author: "model" };
  } else {
    ledger.fellBack("answer", "no sentence of the model's answer survived the grounding check");
    answer = { ...results.answer, author: "deterministic" };
  }
  return { summary, answer };
}
