import type { TestResult } from "@assay/contracts";
import type { StatTest } from "./stats/stat-test.js";

function finite(value: number | undefined): boolean {
  return value === undefined || Number.isFinite(value);
}

/**
 * A computed test as a report TestResult, or null when its core numbers are not finite (JSON cannot
 * carry NaN/Infinity). A non-finite effect size or CI is dropped rather than the whole test.
 */
export function toTestResult(
  hypothesisId: string,
  role: TestResult["role"],
  test: StatTest,
  idSuffix = "",
): TestResult | null {
  const df = test.df;
  const dfFinite = Array.isArray(df) ? df.every(Number.isFinite) : finite(df);
  if (!Number.isFinite(test.statistic) || !Number.isFinite(test.pValue) || !dfFinite) return null;
  let effectSize = test.effectSize;
  if (effectSize && !Number.isFinite(effectSize.value)) effectSize = undefined;
  if (effectSize?.ci95 && !effectSize.ci95.every(Number.isFinite)) effectSize = { ...effectSize, ci95: null };
  const coefficients = test.coefficients?.every((c) =>
    [c.estimate, c.stdError, c.t, c.pValue].every(Number.isFinite),
  )
    ? test.coefficients
    : undefined;
  return {
    id: `${hypothesisId}.${test.name}${idSuffix}`,
    name: test.name,
    statistic: test.statistic,
    ...(df === undefined ? {} : { df }),
    pValue: Math.min(1, Math.max(0, test.pValue)),
    ...(effectSize ? { effectSize } : {}),
    n: test.n,
    role,
    ...(coefficients ? { coefficients } : {}),
    ...(test.r2 !== undefined && Number.isFinite(test.r2) ? { r2: test.r2 } : {}),
    ...(test.note ? { note: test.note } : {}),
  };
}

/** The tests as TestResults, leaving out those whose core numbers are not finite. */
export function toTestResults(
  hypothesisId: string,
  entries: { test: StatTest; role: TestResult["role"]; suffix?: string }[],
): TestResult[] {
  return entries
    .map(({ test, role, suffix }) => toTestResult(hypothesisId, role, test, suffix))
    .filter((t): t is TestResult => t !== null);
}

/** Formats a p-value for prose. */
export function formatP(p: number): string {
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}

export function formatNumber(value: number): string {
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0)
    ? value.toExponential(2)
    : value.toPrecision(3);
}

/** The sentence shared by every conclusion about significance and what it does not show. */
export function significanceSentence(p: number, alpha: number, claim: string, absence: string): string {
  return p < alpha
    ? `${claim} (${formatP(p)} at alpha ${alpha}).`
    : `No ${absence} was detected (${formatP(p)} at alpha ${alpha}); this is not evidence that none exists — the data may be too few or too noisy to show it.`;
}

export const SMALL_N = 30;

export const tiesCaveat =
  "tied values: rank tests use average ranks and a tie-corrected normal approximation";

export function describeEffect(test: TestResult): string {
  const effect = test.effectSize;
  if (!effect) return "";
  const ci = effect.ci95
    ? ` (95% CI ${formatNumber(effect.ci95[0])} to ${formatNumber(effect.ci95[1])})`
    : "";
  return ` Effect size ${effect.name} = ${formatNumber(effect.value)}${ci}.`;
}
