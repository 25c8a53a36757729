import type { Aggregation, DataOperation, Measure, ResultTable } from "@assay/contracts";
import pl from "nodejs-polars";

const EVERY = { day: "1d", week: "1w", month: "1mo", year: "1y" } as const;

function aggregate(measure: Measure): pl.Expr {
  const column = pl.col(measure.column);
  const byName: Record<Aggregation, pl.Expr> = {
    count: column.count(),
    mean: column.mean(),
    median: column.median(),
    sum: column.sum(),
    min: column.min(),
    max: column.max(),
  };
  return byName[measure.agg].alias(`${measure.agg}_${measure.column}`);
}

function predicate(op: Extract<DataOperation, { op: "filter" }>): pl.Expr {
  const column = pl.col(op.column);
  const values = Array.isArray(op.value) ? op.value : [op.value ?? null];
  switch (op.cmp) {
    case "eq":
      return column.eq(pl.lit(values[0]));
    case "ne":
      return column.neq(pl.lit(values[0]));
    case "lt":
      return column.lt(pl.lit(values[0]));
    case "le":
      return column.ltEq(pl.lit(values[0]));
    case "gt":
      return column.gt(pl.lit(values[0]));
    case "ge":
      return column.gtEq(pl.lit(values[0]));
    case "in":
      return column.isIn(values);
    case "not_in":
      return column.isIn(values).not();
    case "is_null":
      return column.isNull();
    case "not_null":
      return column.isNotNull();
  }
}

/** One declarative step with polars; throws what polars throws (a missing column, a wrong type). */
export function applyOperation(df: pl.DataFrame, op: DataOperation): pl.DataFrame {
  switch (op.op) {
    case "filter":
      return df.filter(predicate(op));
    case "group_by":
      return df
        .groupBy(op.by)
        .agg(...op.measures.map(aggregate))
        .sort(op.by);
    case "top_k":
      return df.sort(op.column, op.descending).head(op.k);
    case "sort":
      return df.sort(op.by, op.descending);
    case "resample":
      return df
        .withColumns(pl.col(op.time).dt.truncate(EVERY[op.every]).alias(op.time))
        .groupBy(op.time)
        .agg(...op.measures.map(aggregate))
        .sort(op.time);
    case "pivot":
      return df.pivot(op.values, { index: op.index, on: op.columns, aggregateFunc: op.agg }).sort(op.index);
  }
}

function cell(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "boolean" || typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

export function toResultTable(df: pl.DataFrame, id: string, title: string): ResultTable {
  const columns = df.columns;
  const rows = (df.rows() as unknown[][]).map((row) => row.map(cell));
  return { id, title, columns, rows };
}

/**
 * Runs declarative operations with polars, in order, each on the output of the one before; every step
 * yields a table. Operations come parsed by the DataOperation schema, so no user text runs as code.
 */
export function executeOperations(df: pl.DataFrame, ops: DataOperation[]): ResultTable[] {
  let current = df;
  return ops.map((op, index) => {
    current = applyOperation(current, op);
    return toResultTable(current, `t${index + 1}`, describeOperation(op));
  });
}

export function describeOperation(op: DataOperation): string {
  const measures = (list: Measure[]) => list.map((m) => `${m.agg} of ${m.column}`).join(", ");
  switch (op.op) {
    case "filter":
      return `rows where ${op.column} ${op.cmp}${op.value === undefined ? "" : ` ${JSON.stringify(op.value)}`}`;
    case "group_by":
      return `${measures(op.measures)} by ${op.by.join(", ")}`;
    case "top_k":
      return `top ${op.k} by ${op.column}`;
    case "sort":
      return `sorted by ${op.by.join(", ")}${op.descending ? " (descending)" : ""}`;
    case "resample":
      return `${measures(op.measures)} per ${op.every} of ${op.time}`;
    case "pivot":
      return `${op.agg} of ${op.values} by ${op.index} and ${op.columns}`;
  }
}
