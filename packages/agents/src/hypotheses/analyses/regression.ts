import type pl from "nodejs-polars";
import { completeRows, isNumeric, labels, missingColumn, numbers } from "../extract.js";
import { type AnalysisContext, droppedCaveat, type Outcome, skipped } from "../outcome.js";
import { formatNumber, formatP, toTestResult } from "../result-builder.js";
import { ols, RankDeficient } from "../stats/ols.js";

/** Levels of one categorical predictor the design may hold; more make the model unstable. */
export const MAX_LEVELS = 20;

type DesignColumn = { term: string; values: Float64Array };

/**
 * One-hot columns of a categorical predictor; the most frequent level (ties: first in sort order) is
 * the reference and has no column.
 */
function oneHot(name: string, values: string[]): { columns: DesignColumn[]; reference: string } | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const levels = [...counts.keys()].sort();
  if (levels.length > MAX_LEVELS) return null;
  const reference = levels.reduce((best, level) =>
    (counts.get(level) ?? 0) > (counts.get(best) ?? 0) ? level : best,
  );
  const columns = levels
    .filter((level) => level !== reference)
    .map((level) => ({
      term: `${name}[${level}]`,
      values: Float64Array.from(values, (v) => (v === level ? 1 : 0)),
    }));
  return { columns, reference };
}

/** Fits target ~ predictors by OLS and reports coefficients, R² and the overall F test. */
export function analyseRegression(
  df: pl.DataFrame,
  spec: { target: string; predictors: string[] },
  ctx: AnalysisContext,
): Outcome {
  const predictors = [...new Set(spec.predictors)].filter((p) => p !== spec.target);
  const statement = `${predictors.join(", ")} explain ${spec.target}`;
  const absent = missingColumn(df, [spec.target, ...predictors]);
  if (absent) return skipped(statement, absent);
  if (!predictors.length) return skipped(statement, "no predictor other than the target");
  if (!isNumeric(df, spec.target)) return skipped(statement, `${spec.target} is not numeric`);
  const { frame, dropped } = completeRows(df, [spec.target, ...predictors]);
  const caveats = droppedCaveat(dropped);
  const design: DesignColumn[] = [];
  for (const name of predictors) {
    if (isNumeric(frame, name)) {
      design.push({ term: name, values: numbers(frame, name) });
      continue;
    }
    const encoded = oneHot(name, labels(frame, name));
    if (!encoded) return skipped(statement, `${name} has more than ${MAX_LEVELS} levels`, caveats);
    design.push(...encoded.columns);
    caveats.push(`${name} is one-hot encoded with reference level "${encoded.reference}"`);
  }
  const y = numbers(frame, spec.target);
  if (y.length < design.length + 3)
    return skipped(statement, `only ${y.length} complete rows for ${design.length} model terms`, caveats);
  if (y.length < 10 * design.length)
    caveats.push(`fewer than 10 rows per model term; coefficients are unstable`);
  let fit: ReturnType<typeof ols>;
  try {
    fit = ols(design, y);
  } catch (error) {
    if (error instanceof RankDeficient)
      return skipped(statement, "the predictors are collinear (rank-deficient design)", caveats);
    throw error;
  }
  const test = toTestResult(ctx.id, "primary", fit);
  if (!test) return skipped(statement, "the model is undefined for these values", caveats);
  const significant = (test.coefficients ?? []).filter(
    (c) => c.term !== "(intercept)" && c.pValue < ctx.alpha,
  );
  const conclusion = `The model explains R² = ${formatNumber(fit.r2 ?? 0)} of the variance in ${spec.target} (F test ${formatP(test.pValue)}). ${
    significant.length
      ? `Terms with p < ${ctx.alpha}: ${significant.map((c) => `${c.term} (${formatNumber(c.estimate)})`).join(", ")}.`
      : `No single term reaches p < ${ctx.alpha}; this does not show the predictors are irrelevant.`
  } Coefficients describe associations holding the other terms fixed, not causal effects, and assume a linear relation with independent, homoscedastic errors.`;
  return { statement, status: "tested", tests: [test], conclusion, caveats };
}
