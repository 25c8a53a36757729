import type { TestResult } from "@assay/contracts";
import type pl from "nodejs-polars";
import { completeRows, evenSample, isNumeric, labels, missingColumn, numbers, pick } from "../extract.js";
import { type AnalysisContext, droppedCaveat, type Outcome, skipped } from "../outcome.js";
import {
  describeEffect,
  SMALL_N,
  significanceSentence,
  tiesCaveat,
  toTestResult,
  toTestResults,
} from "../result-builder.js";
import { variance } from "../stats/descriptive.js";
import { anovaOneway, kruskalWallis, leveneMedian, welchAnova } from "../stats/k-sample.js";
import { SHAPIRO_MAX_N, shapiroWilk } from "../stats/shapiro-wilk.js";
import type { StatTest } from "../stats/stat-test.js";
import { mannWhitneyU, studentT, welchT } from "../stats/two-sample.js";

export const MAX_GROUPS = 50;

export interface DifferenceSpec {
  metric: string;
  groupBy: string;
  groups?: (string | number | boolean)[];
}

function splitGroups(df: pl.DataFrame, spec: DifferenceSpec) {
  const { frame, dropped } = completeRows(df, [spec.metric, spec.groupBy]);
  const values = numbers(frame, spec.metric);
  const keys = labels(frame, spec.groupBy);
  const wanted = spec.groups ? new Set(spec.groups.map(String)) : null;
  const buckets = new Map<string, number[]>();
  keys.forEach((key, i) => {
    if (wanted && !wanted.has(key)) return;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(values[i] as number);
    else buckets.set(key, [values[i] as number]);
  });
  return { buckets, dropped };
}

/** Tests whether a numeric metric differs between the groups of a column. */
export function analyseDifference(df: pl.DataFrame, spec: DifferenceSpec, ctx: AnalysisContext): Outcome {
  const statement = `${spec.metric} differs between the groups of ${spec.groupBy}`;
  const absent = missingColumn(df, [spec.metric, spec.groupBy]);
  if (absent) return skipped(statement, absent);
  if (!isNumeric(df, spec.metric)) return skipped(statement, `${spec.metric} is not numeric`);

  const { buckets, dropped } = splitGroups(df, spec);
  const caveats = droppedCaveat(dropped);
  if (buckets.size > MAX_GROUPS)
    return skipped(statement, `${spec.groupBy} has ${buckets.size} groups (at most ${MAX_GROUPS})`, caveats);
  const tooSmall = [...buckets].filter(([, v]) => v.length < 2).map(([k]) => k);
  if (tooSmall.length)
    caveats.push(`groups with fewer than two values were left out: ${tooSmall.join(", ")}`);
  const groups = [...buckets]
    .filter(([, v]) => v.length >= 2)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (groups.length < 2)
    return skipped(statement, `fewer than two groups of ${spec.groupBy} have at least two values`, caveats);
  const names = groups.map(([k]) => k);
  const samples = groups.map(([, v]) => Float64Array.from(v));
  const variances = samples.map(variance);
  if (variances.every((v) => v === 0))
    return skipped(statement, `${spec.metric} is constant within every group`, caveats);
  const constantGroups = names.filter((_, i) => variances[i] === 0);
  if (constantGroups.length) caveats.push(`${spec.metric} is constant within: ${constantGroups.join(", ")}`);
  const smallest = Math.min(...samples.map((s) => s.length));
  const total = samples.reduce((s, v) => s + v.length, 0);
  if (new Set(samples.flatMap((v) => Array.from(v))).size < total) caveats.push(tiesCaveat);
  if (smallest < SMALL_N) caveats.push(`smallest group has only ${smallest} values; estimates are imprecise`);

  const assumptions: TestResult[] = [];
  let normal = true;
  samples.forEach((sample, i) => {
    if (sample.length < 3 || variances[i] === 0) return;
    const subset =
      sample.length > SHAPIRO_MAX_N ? pick(sample, evenSample(sample.length, SHAPIRO_MAX_N)) : sample;
    const check = shapiroWilk(subset);
    const note = `normality of ${spec.metric} in group ${names[i]}${subset.length < sample.length ? ` (on an even sample of ${SHAPIRO_MAX_N})` : ""}`;
    const result = toTestResult(ctx.id, "assumption", { ...check, note }, `.${i + 1}`);
    if (result) assumptions.push(result);
    // Large groups rely on the central limit theorem for the mean, whatever the shape.
    if (check.pValue < ctx.alpha && sample.length < SMALL_N) normal = false;
  });
  const levene = leveneMedian(samples);
  const leveneResult = toTestResult(ctx.id, "assumption", levene);
  if (leveneResult) assumptions.push(leveneResult);
  const equalVariances = levene.pValue >= ctx.alpha;
  if (!normal) caveats.push("normality is doubtful in a small group (Shapiro–Wilk); the rank test leads");
  if (!equalVariances) caveats.push("group variances differ (Levene, Brown–Forsythe)");
  if (constantGroups.length)
    caveats.push("Welch tests need a non-zero variance in every group and were not run");

  const canWelch = constantGroups.length === 0;
  const candidates: { test: StatTest; primary: boolean }[] = [];
  if (samples.length === 2) {
    const [a, b] = samples as [Float64Array, Float64Array];
    const parametric = equalVariances || !canWelch ? studentT(a, b) : welchT(a, b);
    candidates.push({ test: parametric, primary: normal });
    if (parametric.name === "student_t" && canWelch) candidates.push({ test: welchT(a, b), primary: false });
    candidates.push({ test: mannWhitneyU(a, b), primary: !normal });
  } else {
    candidates.push({ test: anovaOneway(samples), primary: normal && (equalVariances || !canWelch) });
    if (canWelch) candidates.push({ test: welchAnova(samples), primary: normal && !equalVariances });
    candidates.push({ test: kruskalWallis(samples), primary: !normal });
  }
  const tests = toTestResults(
    ctx.id,
    candidates.map(({ test, primary }) => ({ test, role: primary ? "primary" : "alternative" })),
  );
  const primary = tests.find((t) => t.role === "primary") ?? tests[0];
  if (!primary) return skipped(statement, "the tests are undefined for these values", caveats);
  if (primary.role !== "primary") primary.role = "primary";

  const conclusion = `${significanceSentence(
    primary.pValue,
    ctx.alpha,
    `${spec.metric} differs between ${names.join(", ")} by ${primary.name}`,
    `difference in ${spec.metric} between ${names.join(", ")}`,
  )}${describeEffect(primary)} A difference between observed groups does not say why they differ: other factors may explain it.`;
  return { statement, status: "tested", tests: [...assumptions, ...tests], conclusion, caveats };
}
