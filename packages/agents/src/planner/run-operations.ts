import type { DataOperation, ResultTable } from "@assay/contracts";
import type pl from "nodejs-polars";
import { applyOperation, describeOperation, toResultTable } from "./execute-operations.js";

export interface OperationsOutcome {
  /** Every table of every pipeline, in plan order, ids "t1", "t2"… */
  tables: ResultTable[];
  /** One line per pipeline that stopped: the step polars refused and why (its later steps did not run). */
  failures: string[];
}

/**
 * One chain, step by step from `df`, appending each step's table to `tables` (numbered on from its
 * length) until the first step polars refuses; returns why that step failed, or null.
 */
function runChain(df: pl.DataFrame, ops: readonly DataOperation[], tables: ResultTable[]): string | null {
  let current = df;
  for (const [index, op] of ops.entries()) {
    try {
      current = applyOperation(current, op);
    } catch (error) {
      const reason = (error as Error).message.split("\n")[0]?.slice(0, 300) ?? "unknown error";
      return `step ${index + 1} (${describeOperation(op)}) could not run: ${reason}`;
    }
    tables.push(toResultTable(current, `t${tables.length + 1}`, describeOperation(op)));
  }
  return null;
}

/**
 * Runs each pipeline of a plan from the original frame and keeps every table up to the step polars
 * refuses (a column of the wrong type, a step that needs a column an earlier step dropped), so one
 * bad step costs only itself and what follows it in its own pipeline.
 */
export function runOperations(
  df: pl.DataFrame,
  pipelines: readonly (readonly DataOperation[])[],
): OperationsOutcome {
  const tables: ResultTable[] = [];
  const failures: string[] = [];
  for (const [index, ops] of pipelines.entries()) {
    const failure = runChain(df, ops, tables);
    if (failure) failures.push(pipelines.length > 1 ? `pipeline ${index + 1}, ${failure}` : failure);
  }
  return { tables, failures };
}
