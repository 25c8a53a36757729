import type { HypothesisResult, Profile, Report, ResultTable } from "@assay/contracts";
import { fmt } from "../eda/finite.js";
import { describeAssociation, strongestPairs } from "./findings.js";

/** Columns the question names, longest names first so "body mass" wins over "mass". */
export function columnsInQuery(query: string, columns: readonly string[]): string[] {
  const q = query.toLowerCase();
  const normalize = (s: string) =>
    s
      .toLowerCase()
      .replace(/[_\-.]+/g, " ")
      .replace(/\s*\(.*?\)\s*/g, " ")
      .trim();
  const qn = normalize(q);
  return [...columns]
    .sort((a, b) => b.length - a.length)
    .filter(
      (c) =>
        c.length > 0 &&
        (q.includes(c.toLowerCase()) || (normalize(c).length > 2 && qn.includes(normalize(c)))),
    );
}

/**
 * As much of an answer as the computed results allow, in plain words: the columns asked about, the
 * plan's result tables (cited by id, e.g. "table t1"), then each hypothesis's conclusion (cited by id).
 */
export function answerFromProfile(
  query: string,
  profile: Profile,
  hypotheses: readonly HypothesisResult[],
  operationTables: readonly ResultTable[] = [],
): Report["answer"] {
  const mentioned = columnsInQuery(
    query,
    profile.columnProfiles.map((c) => c.name),
  );
  // One paragraph for the columns asked about, then one per table and per hypothesis.
  const intro: string[] = [];
  const paragraphs: string[] = [];
  const tables: ResultTable[] = [...operationTables];
  if (mentioned.length === 0) {
    intro.push("The question names no column of the data, so this answer rests on the profile as a whole.");
  } else {
    intro.push(`The question concerns ${mentioned.join(", ")}.`);
    for (const name of mentioned) {
      const c = profile.columnProfiles.find((p) => p.name === name);
      if (!c) continue;
      if (c.numeric) {
        intro.push(
          `${name} ranges from ${fmt(c.numeric.min)} to ${fmt(c.numeric.max)} (median ${fmt(c.numeric.median)}, mean ${fmt(c.numeric.mean)}; ${fmt(c.missing)} missing).`,
        );
      } else if (c.topValues?.[0]) {
        intro.push(
          `${name} most often is ${c.topValues[0].value} (${fmt(c.topValues[0].count)} of ${fmt(c.count)} present values).`,
        );
      }
    }
    const related = strongestPairs(profile.associations).filter(
      (a) => mentioned.includes(a.x) || mentioned.includes(a.y),
    );
    const between = related.filter((a) => mentioned.includes(a.x) && mentioned.includes(a.y));
    const headline = between[0] ?? related[0];
    if (headline) intro.push(`In the profile, ${describeAssociation(headline)}.`);
    if (related.length > 0) {
      tables.push({
        id: "answer:associations",
        title: "Associations of the columns in the question",
        columns: ["result", "x", "y", "method", "value", "n"],
        rows: related.slice(0, 15).map((a) => [a.id ?? "", a.x, a.y, a.method, a.value, a.n ?? null]),
      });
    }
  }
  paragraphs.push(...operationTables.map(describeTable));
  const tested = hypotheses.filter((h) => h.status === "tested");
  for (const h of hypotheses) {
    paragraphs.push(
      h.status === "tested"
        ? `${h.id} (${h.statement}; ${citedTests(h)}): ${h.conclusion}`
        : `${h.id} (${h.statement}) could not be tested: ${h.skippedReason ?? "no reason given"}.`,
    );
  }
  if (tested.length === 0) {
    paragraphs.push(
      "No hypothesis was tested formally, so these are descriptive associations, not evidence of effects.",
    );
  }
  return { text: [intro.join(" "), ...paragraphs].join(ANSWER_PARAGRAPH_BREAK), tables };
}

/** Separates the paragraphs of `answer.text`; renderers show each as its own paragraph. */
export const ANSWER_PARAGRAPH_BREAK = "\n\n";

/** Tables with more rows are described by their extremes only. */
const LISTED_ROWS = 8;

/**
 * A result table in a sentence: its size, and for a table of groups with numeric measures, each
 * group's value of the first measure (or the highest and lowest when there are many groups).
 */
export function describeTable(table: ResultTable): string {
  const head = `Table ${table.id} (${table.title}) has ${fmt(table.rows.length)} row${table.rows.length === 1 ? "" : "s"}`;
  const measure = table.columns.findIndex(
    (_, k) => k > 0 && table.rows.some((r) => typeof r[k] === "number"),
  );
  if (measure < 0 || table.rows.length === 0) return `${head}.`;
  const label = (row: ResultTable["rows"][number]) => String(row[0] ?? "(missing)");
  const valued = table.rows.filter((r) => typeof r[measure] === "number");
  const name = table.columns[measure] ?? "value";
  if (valued.length <= LISTED_ROWS) {
    return `${head}: ${name} is ${valued.map((r) => `${fmt(r[measure] as number)} for ${label(r)}`).join(", ")}.`;
  }
  const sorted = [...valued].sort((a, b) => (b[measure] as number) - (a[measure] as number));
  const [top, bottom] = [sorted[0], sorted.at(-1)];
  if (!top || !bottom) return `${head}.`;
  return `${head}: ${name} is highest for ${label(top)} (${fmt(top[measure] as number)}) and lowest for ${label(bottom)} (${fmt(bottom[measure] as number)}).`;
}

/** The ids of a hypothesis's tests the answer rests on (assumption checks only steer the choice). */
function citedTests(h: HypothesisResult): string {
  const ids = h.tests.filter((t) => t.role !== "assumption").map((t) => t.id);
  return `result${ids.length === 1 ? "" : "s"} ${ids.join(", ")}`;
}
