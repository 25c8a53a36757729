import type { TestResult } from "@assay/contracts";

/** What an analysis of one hypothesis produces; test-hypotheses adds id, spec and source. */
export interface Outcome {
  statement: string;
  status: "tested" | "skipped";
  skippedReason?: string;
  tests: TestResult[];
  conclusion: string;
  caveats: string[];
}

export interface AnalysisContext {
  id: string;
  alpha: number;
}

export function skipped(statement: string, reason: string, caveats: string[] = []): Outcome {
  return {
    statement,
    status: "skipped",
    skippedReason: reason,
    tests: [],
    conclusion: `Not tested: ${reason}.`,
    caveats,
  };
}

export function droppedCaveat(dropped: number): string[] {
  return dropped > 0 ? [`${dropped} row(s) with missing or non-finite values were dropped`] : [];
}
