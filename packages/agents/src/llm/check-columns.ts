import type { ColumnKind, DataOperation, HypothesisSpec, Profile } from "@assay/contracts";

const GROUPING: ColumnKind[] = ["categorical", "boolean"];
const TESTABLE: ColumnKind[] = ["numeric", "categorical", "boolean"];

/**
 * Problems with a hypothesis against the dataset: columns that do not exist, or whose kind the
 * test cannot use. Each problem is a sentence a model can act on when asked to repair its plan.
 */
export function hypothesisProblems(spec: HypothesisSpec, profile: Profile, where: string): string[] {
  const kinds = new Map(profile.columnProfiles.map((c) => [c.name, c.kind]));
  const problems: string[] = [];
  const need = (column: string, allowed: ColumnKind[], role: string) => {
    const kind = kinds.get(column);
    if (kind === undefined) problems.push(`${where}: column ${JSON.stringify(column)} does not exist`);
    else if (!allowed.includes(kind))
      problems.push(`${where}: ${role} ${JSON.stringify(column)} is ${kind}, needs ${allowed.join(" or ")}`);
  };
  switch (spec.kind) {
    case "difference":
      need(spec.metric, ["numeric"], "metric");
      need(spec.groupBy, GROUPING, "groupBy");
      break;
    case "association":
      need(spec.x, TESTABLE, "x");
      need(spec.y, TESTABLE, "y");
      if (spec.x === spec.y) problems.push(`${where}: x and y are the same column`);
      break;
    case "trend":
      need(spec.metric, ["numeric"], "metric");
      need(spec.time, ["datetime"], "time");
      break;
    case "regression":
      need(spec.target, ["numeric"], "target");
      for (const predictor of spec.predictors) need(predictor, TESTABLE, "predictor");
      if (spec.predictors.includes(spec.target)) problems.push(`${where}: the target is also a predictor`);
      break;
  }
  return problems;
}

/** The columns an operation reads, and those it leaves for the next one (undefined: unknown). */
function columnsOf(
  op: DataOperation,
  available: Set<string>,
): { reads: string[]; leaves: Set<string> | undefined } {
  const measured = (measures: { column: string; agg: string }[]) =>
    measures.map((m) => `${m.agg}_${m.column}`);
  switch (op.op) {
    case "filter":
      return { reads: [op.column], leaves: available };
    case "top_k":
      return { reads: [op.column], leaves: available };
    case "sort":
      return { reads: op.by, leaves: available };
    case "group_by":
      return {
        reads: [...op.by, ...op.measures.map((m) => m.column)],
        leaves: new Set([...op.by, ...measured(op.measures)]),
      };
    case "resample":
      return {
        reads: [op.time, ...op.measures.map((m) => m.column)],
        leaves: new Set([op.time, ...measured(op.measures)]),
      };
    case "pivot":
      return { reads: [op.index, op.columns, op.values], leaves: undefined };
  }
}

/** Problems with a list of operations, each run on the output of the one before. */
export function operationProblems(operations: DataOperation[], profile: Profile): string[] {
  const problems: string[] = [];
  let available: Set<string> | undefined = new Set(profile.columnProfiles.map((c) => c.name));
  operations.forEach((op, index) => {
    const where = `operations[${index}] (${op.op})`;
    if (available === undefined) {
      problems.push(`${where}: nothing may follow a pivot`);
      return;
    }
    const { reads, leaves } = columnsOf(op, available);
    for (const column of reads)
      if (!available.has(column))
        problems.push(`${where}: column ${JSON.stringify(column)} does not exist at this step`);
    available = leaves;
  });
  return problems;
}
