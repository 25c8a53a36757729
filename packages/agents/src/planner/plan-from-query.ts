import type { ColumnKind, DataOperation, HypothesisSpec } from "@assay/contracts";
import { matchColumns } from "./column-matcher.js";
import { detectIntents } from "./intent.js";
import type { Plan, PlannedColumn } from "./plan.js";

const isGrouping = (kind: ColumnKind) => kind === "categorical" || kind === "boolean";

function dedupe(specs: HypothesisSpec[]): HypothesisSpec[] {
  const seen = new Set<string>();
  return specs.filter((spec) => {
    const key = JSON.stringify(spec);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Deterministic plan from the words of a query: which columns it names (typos forgiven), what it
 * asks (intent words), and hypotheses whose shapes fit the column kinds, capped at `max`. Each part
 * of the question (a grouping, a metric over time, a metric by a grouping) gets its own one-step
 * pipeline, so a question naming several metrics or groupings yields a table for each. An empty
 * plan with a note means the query names nothing usable: the caller falls back to planFromProfile.
 */
export function planFromQuery(query: string, columns: PlannedColumn[], opts: { max: number }): Plan {
  // A compound question ("… differ by weather, and is there a trend over date?") asks one thing per
  // clause; each clause that names a column is planned on its own. When no clause asks for anything
  // testable, the whole query is read as one (its columns may be named across clauses).
  const clauses = splitClauses(query)
    .map((clause) => planClause(clause, columns))
    .filter((part): part is ClausePlan => part !== undefined);
  const asksSomething = clauses.some((part) => part.specs.length > 0 || part.pipelines.length > 0);
  const parts = asksSomething ? clauses : [planClause(query, columns)].filter((part) => part !== undefined);
  if (parts.length === 0)
    return { hypotheses: [], pipelines: [], notes: ["the query names no column of the dataset"] };
  const specs = parts.flatMap((part) => part.specs);
  const notes = parts.flatMap((part) => part.notes);
  const capped = dedupe(specs).slice(0, opts.max);
  if (specs.length > capped.length) notes.push(`kept the first ${opts.max} of ${specs.length} hypotheses`);
  return {
    hypotheses: capped.map((spec) => ({
      spec,
      source: "planner",
      rationale: `named in the query: "${query.slice(0, 200)}"`,
    })),
    pipelines: parts.flatMap((part) => part.pipelines),
    notes,
  };
}

interface ClausePlan {
  specs: HypothesisSpec[];
  pipelines: DataOperation[][];
  notes: string[];
}

/** Splits at sentence ends and at a comma or "and" that starts a new question ("…, and is there…"). */
export function splitClauses(query: string): string[] {
  return query
    .split(
      /[?;.!]+|,\s*(?:and|but|also)?\s+(?=(?:is|are|does|do|did|how|what|which|whether|has|have|can|was|were)\b)|\band\s+(?=(?:is|are|does|do|how|what|which|whether)\b)/i,
    )
    .map((clause) => clause.trim())
    .filter((clause) => clause.length > 0);
}

/** The hypotheses and tables one clause asks for, or undefined when it names no column. */
function planClause(query: string, columns: PlannedColumn[]): ClausePlan | undefined {
  const kinds = new Map(columns.map((c) => [c.name, c.kind]));
  const named = matchColumns(
    query,
    columns.map((c) => c.name),
  );
  if (!named.length) return undefined;
  const notes: string[] = [`columns named in "${query.slice(0, 120)}": ${named.join(", ")}`];
  const intents = detectIntents(query);
  notes.push(intents.length ? `intent: ${intents.join(", ")}` : "no intent word; the column kinds decide");

  const numeric = named.filter((n) => kinds.get(n) === "numeric");
  const grouping = named.filter((n) => isGrouping(kinds.get(n) as ColumnKind));
  const time =
    named.find((n) => kinds.get(n) === "datetime") ??
    columns.find((c) => c.kind === "datetime")?.name ??
    undefined;
  const specs: HypothesisSpec[] = [];
  const pipelines: DataOperation[][] = [];
  const intent = intents[0];

  if (intent === "summary") {
    notes.push("a summary was asked: the profile answers it, no hypothesis is tested");
    for (const group of grouping)
      if (numeric.length)
        pipelines.push([
          {
            op: "group_by",
            by: [group],
            measures: numeric.map((column) => ({ column, agg: "mean" })),
          },
        ]);
  } else if (intent === "trend") {
    if (!time) notes.push("a trend was asked but the dataset has no date column");
    else
      for (const metric of numeric) {
        specs.push({ kind: "trend", metric, time });
        pipelines.push([
          {
            op: "resample",
            time,
            every: "month",
            measures: [{ column: metric, agg: "mean" }],
          },
        ]);
      }
  } else if (intent === "regression" && numeric.length) {
    const [target, ...rest] = numeric;
    const predictors = [...rest, ...grouping];
    if (target && predictors.length)
      specs.push({ kind: "regression", target, predictors: predictors.slice(0, 20) });
    else notes.push("a model needs a numeric target and at least one predictor named in the query");
  } else if (intent === "difference" && numeric.length && grouping.length) {
    for (const metric of numeric)
      for (const groupBy of grouping) {
        specs.push({ kind: "difference", metric, groupBy });
        pipelines.push([
          {
            op: "group_by",
            by: [groupBy],
            measures: [
              { column: metric, agg: "mean" },
              { column: metric, agg: "count" },
            ],
          },
        ]);
      }
  } else {
    // Association, or no clear intent: test every named pair with the test their kinds call for.
    const usable = named.filter((n) => kinds.get(n) === "numeric" || isGrouping(kinds.get(n) as ColumnKind));
    for (let i = 0; i < usable.length; i++)
      for (let j = i + 1; j < usable.length; j++) {
        const x = usable[i] as string;
        const y = usable[j] as string;
        const xGroups = isGrouping(kinds.get(x) as ColumnKind);
        const yGroups = isGrouping(kinds.get(y) as ColumnKind);
        if (xGroups !== yGroups)
          specs.push({ kind: "difference", metric: xGroups ? y : x, groupBy: xGroups ? x : y });
        else specs.push({ kind: "association", x, y });
      }
    if (!specs.length) notes.push("fewer than two named columns can be tested together");
  }
  return { specs, pipelines, notes };
}
