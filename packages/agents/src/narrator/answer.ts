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

/** As much of an answer as the profile (and any tested hypotheses) allow, in plain words. */
export function answerFromProfile(
  query: string,
  profile: Profile,
  hypotheses: readonly HypothesisResult[],
): Report["answer"] {
  const mentioned = columnsInQuery(
    query,
    profile.columnProfiles.map((c) => c.name),
  );
  const parts: string[] = [];
  const tables: ResultTable[] = [];
  if (mentioned.length === 0) {
    parts.push("The question names no column of the data, so this answer rests on the profile as a whole.");
  } else {
    parts.push(`The question concerns ${mentioned.join(", ")}.`);
    for (const name of mentioned) {
      const c = profile.columnProfiles.find((p) => p.name === name);
      if (!c) continue;
      if (c.numeric) {
        parts.push(
          `${name} ranges from ${fmt(c.numeric.min)} to ${fmt(c.numeric.max)} (median ${fmt(c.numeric.median)}, mean ${fmt(c.numeric.mean)}; ${fmt(c.missing)} missing).`,
        );
      } else if (c.topValues?.[0]) {
        parts.push(
          `${name} most often is ${c.topValues[0].value} (${fmt(c.topValues[0].count)} of ${fmt(c.count)} present values).`,
        );
      }
    }
    const related = strongestPairs(profile.associations).filter(
      (a) => mentioned.includes(a.x) || mentioned.includes(a.y),
    );
    const between = related.filter((a) => mentioned.includes(a.x) && mentioned.includes(a.y));
    const headline = between[0] ?? related[0];
    if (headline) parts.push(`In the profile, ${describeAssociation(headline)}.`);
    if (related.length > 0) {
      tables.push({
        id: "answer:associations",
        title: "Associations of the columns in the question",
        columns: ["result", "x", "y", "method", "value", "n"],
        rows: related.slice(0, 15).map((a) => [a.id ?? "", a.x, a.y, a.method, a.value, a.n ?? null]),
      });
    }
  }
  const tested = hypotheses.filter((h) => h.status === "tested");
  if (tested.length > 0) {
    parts.push(...tested.map((h) => h.conclusion));
  } else {
    parts.push(
      "No hypothesis was tested formally, so these are descriptive associations, not evidence of effects.",
    );
  }
  return { text: parts.join(" "), tables };
}
