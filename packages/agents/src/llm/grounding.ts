/** A computed number a text may cite, with the id of the result it belongs to. */
export interface GroundedValue {
  value: number;
  resultId: string;
}

export interface GroundingIndex {
  values: GroundedValue[];
  /** Names and labels from the data (columns, categories, ids) whose digits are not numbers to check. */
  labels: string[];
}

/** A number as written in a text. */
export interface WrittenNumber {
  text: string;
  value: number;
  /** Half a unit of the last digit written: how far rounding may have moved it. */
  tolerance: number;
  percent: boolean;
  /** "<", ">", "≤" or "≥" when written as a bound (p < 0.001). */
  bound: string | undefined;
}

// A bound sign, a sign, digits with optional thousands separators or a leading dot, a fraction,
// an exponent (1.2e-5 or 1.2 × 10^-5), a percent sign. Not part of a word (h1, q3, 2nd).
const NUMBER =
  /(?<![\p{L}\p{N}_.])([<>≤≥]=?\s*)?[-−]?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:[eE]([-+−]?\d+)|\s*[×x]\s*10\^?([-−]?\d+))?(\s*%)?(?![\p{L}_]|\.\d)/gu;

/** Thresholds a text may state as bounds without a result behind them (p < 0.001). */
const CONVENTIONAL_BOUNDS = [0.05, 0.01, 0.001, 0.0001];
/** Confidence levels written as percentages. */
const CONFIDENCE_LEVELS = [90, 95, 99];

export function writtenNumbers(text: string): WrittenNumber[] {
  const found: WrittenNumber[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const digits = (match[2] ?? "").replaceAll(",", "");
    const exponent = Number((match[3] ?? match[4] ?? "0").replace("−", "-"));
    const decimals = digits.includes(".") ? (digits.split(".")[1]?.length ?? 0) : 0;
    found.push({
      text: match[0].trim(),
      value: Number(`${digits}e${exponent}`),
      tolerance: 0.5 * 10 ** (exponent - decimals) * (1 + 1e-9) + 1e-12,
      percent: Boolean(match[5]),
      bound: match[1]?.trim().replace("=", "") || undefined,
    });
  }
  return found;
}

const DETERMINISTIC_TEXT_FIELDS = new Set(["statement", "conclusion", "message", "caveats", "text", "title"]);
const LABEL_FIELDS = new Set([
  "name",
  "x",
  "y",
  "value",
  "columns",
  "metric",
  "groupBy",
  "target",
  "predictors",
  "time",
  "term",
]);

/**
 * Every number in a results document, with the id of the nearest enclosing object that has one.
 * Numbers inside the deterministic narrator's sentences count too: they were computed. Strings of
 * the data (names, labels) are kept apart so their digits are not mistaken for numbers.
 */
export function indexResults(document: unknown, rootId: string): GroundingIndex {
  const index: GroundingIndex = { values: [], labels: [] };
  const walk = (node: unknown, resultId: string, field: string) => {
    if (typeof node === "number") {
      if (Number.isFinite(node)) index.values.push({ value: node, resultId });
    } else if (typeof node === "string") {
      if (DETERMINISTIC_TEXT_FIELDS.has(field))
        for (const n of writtenNumbers(node))
          index.values.push({ value: n.percent ? n.value / 100 : n.value, resultId });
      else if (/\d/.test(node)) index.labels.push(node);
      const year = /^(\d{4})-\d{2}-\d{2}/.exec(node)?.[1];
      if (year) index.values.push({ value: Number(year), resultId });
    } else if (Array.isArray(node)) {
      for (const item of node) walk(item, resultId, field);
    } else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      const id = typeof record.id === "string" ? record.id : resultId;
      for (const [key, value] of Object.entries(record)) {
        if (key === "id") continue;
        walk(value, id, LABEL_FIELDS.has(key) && typeof value === "string" ? "label" : key);
      }
    }
  };
  walk(document, rootId, "");
  index.labels.sort((a, b) => b.length - a.length);
  return index;
}

function matches(n: WrittenNumber, index: GroundingIndex, alpha: number): string[] | undefined {
  if (n.bound && [...CONVENTIONAL_BOUNDS, alpha].some((b) => Math.abs(b - n.value) < 1e-12)) return [];
  if (n.percent && [...CONFIDENCE_LEVELS, alpha * 100].some((c) => Math.abs(c - n.value) < 1e-9)) return [];
  const close = (v: number) =>
    Math.abs(Math.abs(v) - n.value) <= n.tolerance || Math.abs(Math.abs(v) * 100 - n.value) <= n.tolerance;
  const hits = index.values.filter((v) => close(v.value));
  return hits.length ? [...new Set(hits.map((h) => h.resultId))].slice(0, 3) : undefined;
}

export interface SentenceCheck {
  grounded: boolean;
  resultIds: string[];
  /** Numbers that match no computed result. */
  unmatched: string[];
}

/** Checks that every number in a sentence matches a computed result, allowing for rounding and percent forms. */
export function checkSentence(sentence: string, index: GroundingIndex, alpha: number): SentenceCheck {
  let text = sentence;
  for (const label of index.labels) if (text.includes(label)) text = text.replaceAll(label, " ");
  const resultIds = new Set<string>();
  const unmatched: string[] = [];
  for (const n of writtenNumbers(text)) {
    const ids = matches(n, index, alpha);
    if (ids === undefined) unmatched.push(n.text);
    else for (const id of ids) resultIds.add(id);
  }
  return { grounded: unmatched.length === 0, resultIds: [...resultIds], unmatched };
}

/** Splits prose into sentences (a full stop inside a number does not end one). */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'(])/u)
    .map((s) => s.trim())
    .filter(Boolean);
}
