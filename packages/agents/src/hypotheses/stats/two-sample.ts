import { mean, rank, tieSum, variance } from "./descriptive.js";
import { normalUpperP, tTwoSidedP, Z975 } from "./distributions.js";
import type { StatTest } from "./stat-test.js";

/**
 * Hedges' g (bias-corrected Cohen's d with pooled SD) and its 95% CI from the large-sample
 * normal approximation of its standard error (Hedges & Olkin 1985).
 */
function hedgesG(a: ArrayLike<number>, b: ArrayLike<number>) {
  const n1 = a.length;
  const n2 = b.length;
  const pooledSd = Math.sqrt(((n1 - 1) * variance(a) + (n2 - 1) * variance(b)) / (n1 + n2 - 2));
  const correction = 1 - 3 / (4 * (n1 + n2) - 9);
  const g = ((mean(a) - mean(b)) / pooledSd) * correction;
  const se = Math.sqrt((n1 + n2) / (n1 * n2) + (g * g) / (2 * (n1 + n2)));
  return { name: "hedges_g", value: g, ci95: [g - Z975 * se, g + Z975 * se] as [number, number] };
}

/** Welch's t-test (unequal variances), as scipy.stats.ttest_ind(equal_var=False). */
export function welchT(a: ArrayLike<number>, b: ArrayLike<number>): StatTest {
  const v1 = variance(a) / a.length;
  const v2 = variance(b) / b.length;
  const t = (mean(a) - mean(b)) / Math.sqrt(v1 + v2);
  const df = (v1 + v2) ** 2 / (v1 ** 2 / (a.length - 1) + v2 ** 2 / (b.length - 1));
  return {
    name: "welch_t",
    statistic: t,
    df,
    pValue: tTwoSidedP(t, df),
    effectSize: hedgesG(a, b),
    n: a.length + b.length,
  };
}

/** Student's t-test with pooled variance, as scipy.stats.ttest_ind(equal_var=True). */
export function studentT(a: ArrayLike<number>, b: ArrayLike<number>): StatTest {
  const n1 = a.length;
  const n2 = b.length;
  const df = n1 + n2 - 2;
  const pooled = ((n1 - 1) * variance(a) + (n2 - 1) * variance(b)) / df;
  const t = (mean(a) - mean(b)) / Math.sqrt(pooled * (1 / n1 + 1 / n2));
  return {
    name: "student_t",
    statistic: t,
    df,
    pValue: tTwoSidedP(t, df),
    effectSize: hedgesG(a, b),
    n: n1 + n2,
  };
}

/**
 * Mann–Whitney U with the tie-corrected normal approximation and continuity correction
 * (scipy.stats.mannwhitneyu(method="asymptotic")). The statistic is U of the first sample.
 * Effect size: rank-biserial r = 2·U1/(n1·n2) − 1 (positive when the first sample tends to be larger),
 * CI on the Fisher-z scale with SE sqrt((n1+n2+1)/(3·n1·n2)) (as the R package effectsize).
 */
export function mannWhitneyU(a: ArrayLike<number>, b: ArrayLike<number>): StatTest {
  const n1 = a.length;
  const n2 = b.length;
  const n = n1 + n2;
  const { ranks, ties } = rank([...Array.from(a), ...Array.from(b)]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i] as number;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u = Math.max(u1, n1 * n2 - u1);
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieSum(ties) / (n * (n - 1))));
  const z = (u - (n1 * n2) / 2 - 0.5) / sigma;
  const pValue = sigma > 0 ? Math.min(1, 2 * normalUpperP(z)) : 1;
  const r = (2 * u1) / (n1 * n2) - 1;
  const seZ = Math.sqrt((n1 + n2 + 1) / (3 * n1 * n2));
  const zr = Math.atanh(Math.max(-0.9999999, Math.min(0.9999999, r)));
  return {
    name: "mann_whitney_u",
    statistic: u1,
    pValue,
    effectSize: {
      name: "rank_biserial",
      value: r,
      ci95: [Math.tanh(zr - Z975 * seZ), Math.tanh(zr + Z975 * seZ)],
    },
    n,
  };
}
