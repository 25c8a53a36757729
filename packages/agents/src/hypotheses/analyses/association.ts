import type { TestResult } from "@assay/contracts";
import type pl from "nodejs-polars";
import { completeRows, evenSample, isNumeric, labels, missingColumn, numbers, pick } from "../extract.js";
import { type AnalysisContext, droppedCaveat, type Outcome, skipped } from "../outcome.js";
import {
  describeEffect,
  SMALL_N,
  significanceSentence,
  tiesCaveat,
  toTestResults,
} from "../result-builder.js";
import { chi2Independence, expectedCounts, fisherExact, type Table } from "../stats/contingency.js";
import { kendallTau, pearsonR, spearmanRho } from "../stats/correlation.js";
import { SHAPIRO_MAX_N, shapiroWilk } from "../stats/shapiro-wilk.js";
import type { StatTest } from "../stats/stat-test.js";
import { analyseDifference, MAX_GROUPS } from "./difference.js";

/** Kendall's tau is O(n²): larger samples are thinned evenly to this many pairs. */
export const KENDALL_MAX_N = 5000;

function numericPair(
  df: pl.DataFrame,
  x: string,
  y: string,
  ctx: AnalysisContext,
  statement: string,
): Outcome {
  const { frame, dropped } = completeRows(df, [x, y]);
  const caveats = droppedCaveat(dropped);
  const xs = numbers(frame, x);
  const ys = numbers(frame, y);
  const n = xs.length;
  if (n < 4) return skipped(statement, `only ${n} complete pairs (at least 4 needed)`, caveats);
  if (xs.every((v) => v === xs[0]) || ys.every((v) => v === ys[0]))
    return skipped(statement, "a column is constant", caveats);
  if (n < SMALL_N) caveats.push(`only ${n} pairs; the correlation is imprecise`);
  if (new Set(xs).size < n || new Set(ys).size < n) caveats.push(tiesCaveat);

  const sample = evenSample(n, SHAPIRO_MAX_N);
  const normalityX = shapiroWilk(pick(xs, sample));
  const normalityY = shapiroWilk(pick(ys, sample));
  const normal = n >= SMALL_N || (normalityX.pValue >= ctx.alpha && normalityY.pValue >= ctx.alpha);
  if (!normal)
    caveats.push("a variable looks non-normal in a small sample (Shapiro–Wilk); Spearman's rho leads");
  const kendallSample = evenSample(n, KENDALL_MAX_N);
  const kendall = kendallTau(pick(xs, kendallSample), pick(ys, kendallSample));
  if (kendallSample.length < n) kendall.note = `computed on an even sample of ${KENDALL_MAX_N} of ${n} pairs`;
  const tests = toTestResults(ctx.id, [
    { test: { ...normalityX, note: `normality of ${x}` }, role: "assumption", suffix: ".x" },
    { test: { ...normalityY, note: `normality of ${y}` }, role: "assumption", suffix: ".y" },
    { test: pearsonR(xs, ys), role: normal ? "primary" : "alternative" },
    { test: spearmanRho(xs, ys), role: normal ? "alternative" : "primary" },
    { test: kendall, role: "alternative" },
  ]);
  const primary = tests.find((t) => t.role === "primary");
  if (!primary) return skipped(statement, "the correlation is undefined for these values", caveats);
  const conclusion = `${significanceSentence(primary.pValue, ctx.alpha, `${x} and ${y} are associated by ${primary.name}`, `association between ${x} and ${y}`)}${describeEffect(primary)} Association is not causation: a third factor may drive both, and a correlation measures only monotone or linear relations.`;
  return { statement, status: "tested", tests, conclusion, caveats };
}

function categoricalPair(
  df: pl.DataFrame,
  x: string,
  y: string,
  ctx: AnalysisContext,
  statement: string,
): Outcome {
  const { frame, dropped } = completeRows(df, [x, y]);
  const caveats = droppedCaveat(dropped);
  const xs = labels(frame, x);
  const ys = labels(frame, y);
  const rowLevels = [...new Set(xs)].sort();
  const colLevels = [...new Set(ys)].sort();
  if (rowLevels.length < 2 || colLevels.length < 2)
    return skipped(statement, "a column has fewer than two levels", caveats);
  if (rowLevels.length > MAX_GROUPS || colLevels.length > MAX_GROUPS)
    return skipped(statement, `a column has more than ${MAX_GROUPS} levels`, caveats);
  const rowIndex = new Map(rowLevels.map((v, i) => [v, i]));
  const colIndex = new Map(colLevels.map((v, i) => [v, i]));
  const table: Table = rowLevels.map(() => colLevels.map(() => 0));
  xs.forEach((value, i) => {
    (table[rowIndex.get(value) as number] as number[])[colIndex.get(ys[i] as string) as number]! += 1;
  });
  const expected = expectedCounts(table).flat();
  const lowExpected = expected.filter((e) => e < 5).length;
  const isTwoByTwo = rowLevels.length === 2 && colLevels.length === 2;
  const useFisher = isTwoByTwo && lowExpected > 0;
  if (!isTwoByTwo && lowExpected / expected.length > 0.2)
    caveats.push(
      `${lowExpected} of ${expected.length} cells expect fewer than 5 counts; the chi-square approximation is rough`,
    );
  const chi2 = chi2Independence(table);
  const expectedNote = `${lowExpected} of ${expected.length} expected counts are below 5`;
  const entries: { test: StatTest; role: TestResult["role"] }[] = [
    {
      test: { ...chi2, note: [chi2.note, expectedNote].filter(Boolean).join("; ") },
      role: useFisher ? "alternative" : "primary",
    },
  ];
  if (isTwoByTwo) entries.push({ test: fisherExact(table), role: useFisher ? "primary" : "alternative" });
  const tests = toTestResults(ctx.id, entries);
  const primary = tests.find((t) => t.role === "primary");
  if (!primary) return skipped(statement, "the test is undefined for this table", caveats);
  const conclusion = `${significanceSentence(primary.pValue, ctx.alpha, `${x} and ${y} are associated by ${primary.name}`, `association between ${x} and ${y}`)}${describeEffect(primary)} Association is not causation.`;
  return { statement, status: "tested", tests, conclusion, caveats };
}

/**
 * Tests an association between two columns with the test their kinds call for: correlations for two
 * numeric columns, a contingency test for two categorical ones, a group difference for one of each.
 */
export function analyseAssociation(
  df: pl.DataFrame,
  spec: { x: string; y: string },
  ctx: AnalysisContext,
): Outcome {
  const statement = `${spec.x} is associated with ${spec.y}`;
  const absent = missingColumn(df, [spec.x, spec.y]);
  if (absent) return skipped(statement, absent);
  if (spec.x === spec.y) return skipped(statement, "a column cannot be tested against itself");
  const xNumeric = isNumeric(df, spec.x);
  const yNumeric = isNumeric(df, spec.y);
  if (xNumeric && yNumeric) return numericPair(df, spec.x, spec.y, ctx, statement);
  if (!xNumeric && !yNumeric) return categoricalPair(df, spec.x, spec.y, ctx, statement);
  const metric = xNumeric ? spec.x : spec.y;
  const groupBy = xNumeric ? spec.y : spec.x;
  return { ...analyseDifference(df, { metric, groupBy }, ctx), statement };
}
