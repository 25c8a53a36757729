import type { DataOperation, ResultTable } from "@assay/contracts";
import type pl from "nodejs-polars";
import { describeOperation, executeOperations } from "./execute-operations.js";

export interface OperationsOutcome {
  tables: ResultTable[];
  /** Why a step could not run (the steps after it were not run either). */
  failure: string | null;
}

/**
 * Runs a plan's operations and keeps every table up to the first step polars refuses (a column of
 * the wrong type, a step that needs a column an earlier step dropped), so one bad step costs only
 * itself and what depends on it. Plans are short, so re-running the prefix is cheap.
 */
export function runOperations(df: pl.DataFrame, ops: readonly DataOperation[]): OperationsOutcome {
  let tables: ResultTable[] = [];
  for (let k = 1; k <= ops.length; k++) {
    try {
      tables = executeOperations(df, ops.slice(0, k));
    } catch (error) {
      const op = ops[k - 1] as DataOperation;
      const reason = (error as Error).message.split("\n")[0]?.slice(0, 300) ?? "unknown error";
      return { tables, failure: `step ${k} (${describeOperation(op)}) could not run: ${reason}` };
    }
  }
  return { tables, failure: null };
}
