import betainc from "@stdlib/math-base-special-betainc";
import erfc from "@stdlib/math-base-special-erfc";
import gammainc from "@stdlib/math-base-special-gammainc";
import gammaln from "@stdlib/math-base-special-gammaln";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";

// Tail probabilities are computed through the upper regularized incomplete functions directly,
// so p-values as small as 1e-300 keep their precision instead of collapsing to 1 - cdf = 0.

/** Two-sided p of Student's t with `df` degrees of freedom. */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return betainc(df / (df + t * t), df / 2, 0.5);
}

/** Upper tail P(F > f) of the F distribution. */
export function fUpperP(f: number, df1: number, df2: number): number {
  if (!Number.isFinite(f)) return 0;
  if (f <= 0) return 1;
  return betainc(df2 / (df2 + df1 * f), df2 / 2, df1 / 2);
}

/** Upper tail P(X > x) of chi-square with `df` degrees of freedom. */
export function chi2UpperP(x: number, df: number): number {
  if (!Number.isFinite(x)) return 0;
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}

/** Two-sided p of a standard normal z. */
export function normalTwoSidedP(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/** Upper tail P(Z > z) of the standard normal. */
export function normalUpperP(z: number): number {
  return erfc(z / Math.SQRT2) / 2;
}

export function zQuantile(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** The 97.5% normal quantile, for 95% Wald intervals. */
export const Z975 = zQuantile(0.975);

export { gammaln };

/**
 * P(X <= x) for a Poisson(lambda/2) mixture of `termCdf(j)` — the shape shared by the noncentral
 * chi-square and noncentral F distributions. Sums the terms around the Poisson mode only.
 */
function poissonMixtureCdf(lambda: number, termCdf: (j: number) => number): number {
  if (lambda <= 0) return termCdf(0);
  const mean = lambda / 2;
  const mode = Math.floor(mean);
  const spread = Math.ceil(10 * Math.sqrt(mean + 1)) + 20;
  let sum = 0;
  for (let j = Math.max(0, mode - spread); j <= mode + spread; j++) {
    const logWeight = -mean + j * Math.log(mean) - gammaln(j + 1);
    sum += Math.exp(logWeight) * termCdf(j);
  }
  return Math.min(1, Math.max(0, sum));
}

export function noncentralChi2Cdf(x: number, df: number, lambda: number): number {
  return poissonMixtureCdf(lambda, (j) => 1 - gammainc(x / 2, df / 2 + j, true, true));
}

export function noncentralFCdf(f: number, df1: number, df2: number, lambda: number): number {
  const x = (df1 * f) / (df1 * f + df2);
  return poissonMixtureCdf(lambda, (j) => betainc(x, df1 / 2 + j, df2 / 2));
}

/** Largest noncentrality searched; beyond it the summation would cost seconds, so no CI is given. */
const MAX_LAMBDA = 1e7;

/**
 * 95% confidence bounds of a noncentrality parameter by inverting `cdf(lambda)` at 0.975 and 0.025
 * (Steiger & Fouladi 1997; Smithson 2003). `cdf` falls as lambda grows. Null past MAX_LAMBDA.
 */
export function noncentralityCi(cdf: (lambda: number) => number): [number, number] | null {
  const solve = (target: number): number | null => {
    if (cdf(0) <= target) return 0;
    let hi = 1;
    while (cdf(hi) > target) {
      if (hi >= MAX_LAMBDA) return null;
      hi *= 4;
    }
    let lo = 0;
    for (let i = 0; i < 60 && hi - lo > 1e-9 * Math.max(1, hi); i++) {
      const mid = (lo + hi) / 2;
      if (cdf(mid) > target) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const lower = solve(0.975);
  const upper = lower === null ? null : solve(0.025);
  return lower === null || upper === null ? null : [lower, upper];
}
