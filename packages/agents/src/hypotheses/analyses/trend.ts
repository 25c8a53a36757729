import type { TestResult } from "@assay/contracts";
import type pl from "nodejs-polars";
import { completeRows, evenSample, isNumeric, missingColumn, numbers, pick, timeValues } from "../extract.js";
import { type AnalysisContext, droppedCaveat, type Outcome, skipped } from "../outcome.js";
import { formatNumber, SMALL_N, significanceSentence, tiesCaveat, toTestResult } from "../result-builder.js";
import { mannKendall } from "../stats/mann-kendall.js";
import { ols } from "../stats/ols.js";
import { KENDALL_MAX_N } from "./association.js";

/** Tests for a monotone trend of a metric over time (Mann–Kendall) and reports the OLS slope beside it. */
export function analyseTrend(
  df: pl.DataFrame,
  spec: { metric: string; time: string },
  ctx: AnalysisContext,
): Outcome {
  const statement = `${spec.metric} trends over ${spec.time}`;
  const absent = missingColumn(df, [spec.metric, spec.time]);
  if (absent) return skipped(statement, absent);
  if (!isNumeric(df, spec.metric)) return skipped(statement, `${spec.metric} is not numeric`);
  const { frame, dropped } = completeRows(df, [spec.metric, spec.time]);
  const caveats = droppedCaveat(dropped);
  const time = timeValues(frame, spec.time);
  if (!time) return skipped(statement, `${spec.time} is neither a date nor a number`, caveats);
  const values = numbers(frame, spec.metric);
  const n = values.length;
  if (n < 4) return skipped(statement, `only ${n} complete observations (at least 4 needed)`, caveats);
  if (time.values.every((v) => v === time.values[0]))
    return skipped(statement, `${spec.time} has a single value`, caveats);
  if (n < SMALL_N) caveats.push(`only ${n} observations; a trend test has little power`);
  if (new Set(values).size < n || new Set(time.values).size < n) caveats.push(tiesCaveat);

  const sample = evenSample(n, KENDALL_MAX_N);
  const mk = mannKendall(pick(time.values, sample), pick(values, sample));
  if (sample.length < n)
    mk.note = `${mk.note}; computed on an even sample of ${KENDALL_MAX_N} of ${n} observations`;
  const slope = ols([{ term: spec.time, values: time.values }], values);
  slope.note = `slope of ${spec.metric} per ${time.unit}`;
  const tests = [toTestResult(ctx.id, "primary", mk), toTestResult(ctx.id, "alternative", slope)].filter(
    (t): t is TestResult => t !== null,
  );
  const primary = tests.find((t) => t.role === "primary");
  if (!primary) return skipped(statement, "the trend test is undefined for these values", caveats);
  const perUnit = tests.find((t) => t.name === "ols")?.coefficients?.[1];
  const slopeText = perUnit ? ` The linear slope is ${formatNumber(perUnit.estimate)} per ${time.unit}.` : "";
  const direction = primary.statistic > 0 ? "rises" : "falls";
  const conclusion = `${significanceSentence(primary.pValue, ctx.alpha, `${spec.metric} ${direction} monotonically over ${spec.time} (Mann–Kendall)`, `monotone trend in ${spec.metric}`)}${slopeText} A trend describes the observed period only; it neither explains the change nor guarantees it continues, and serial correlation can overstate significance.`;
  return { statement, status: "tested", tests, conclusion, caveats };
}
