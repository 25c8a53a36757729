import type { HypothesisResult, HypothesisSpec } from "@assay/contracts";
import type pl from "nodejs-polars";
import { analyseAssociation } from "./analyses/association.js";
import { analyseDifference } from "./analyses/difference.js";
import { analyseRegression } from "./analyses/regression.js";
import { analyseTrend } from "./analyses/trend.js";
import type { AnalysisContext, Outcome } from "./outcome.js";
import type { PlannedHypothesis } from "./planned-hypothesis.js";
import { benjaminiHochberg } from "./stats/benjamini-hochberg.js";

export interface TestHypothesesOptions {
  alpha: number;
  signal?: AbortSignal;
  onProgress?(pct: number, detail: string): void;
}

function analyse(df: pl.DataFrame, spec: HypothesisSpec, ctx: AnalysisContext): Outcome {
  switch (spec.kind) {
    case "difference":
      return analyseDifference(df, spec, ctx);
    case "association":
      return analyseAssociation(df, spec, ctx);
    case "trend":
      return analyseTrend(df, spec, ctx);
    case "regression":
      return analyseRegression(df, spec, ctx);
  }
}

/**
 * Tests every planned hypothesis with the tests its data call for, then adjusts the p-values of all
 * primary and alternative tests of the job together by Benjamini–Hochberg. Assumption checks are
 * not adjusted: they steer the choice of test, they are not findings.
 */
export function testHypotheses(
  df: pl.DataFrame,
  specs: PlannedHypothesis[],
  opts: TestHypothesesOptions,
): HypothesisResult[] {
  const results = specs.map((planned, index): HypothesisResult => {
    opts.signal?.throwIfAborted();
    const id = `h${index + 1}`;
    const outcome = analyse(df, planned.spec, { id, alpha: opts.alpha });
    opts.onProgress?.(Math.round(((index + 1) / specs.length) * 100), `${id}: ${outcome.statement}`);
    return {
      id,
      spec: planned.spec,
      source: planned.source,
      ...(planned.rationale ? { rationale: planned.rationale } : {}),
      ...outcome,
    };
  });
  const adjustable = results.flatMap((r) => r.tests.filter((t) => t.role !== "assumption"));
  const adjusted = benjaminiHochberg(adjustable.map((t) => t.pValue));
  adjustable.forEach((test, i) => {
    test.pAdjusted = adjusted[i] as number;
  });
  return results;
}
