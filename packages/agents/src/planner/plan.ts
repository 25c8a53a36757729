import type { ColumnKind, DataOperation } from "@assay/contracts";
import type { PlannedHypothesis } from "../hypotheses/index.js";

export interface PlannedColumn {
  name: string;
  kind: ColumnKind;
}

/**
 * What a planner decided: hypotheses to test, data pipelines whose tables answer the question, and
 * notes on what it understood. Each pipeline is a chain (every step runs on the output of the one
 * before) and starts from the dataset itself, so one part of a question never feeds another.
 */
export interface Plan {
  hypotheses: PlannedHypothesis[];
  pipelines: DataOperation[][];
  notes: string[];
}
