import { rank } from "./descriptive.js";
import { normalTwoSidedP, tTwoSidedP, Z975 } from "./distributions.js";
import { pearsonPairwise } from "./pearson.js";
import type { StatTest } from "./stat-test.js";

/** t-test of a correlation coefficient, as scipy.stats.pearsonr/spearmanr. */
function correlationP(r: number, n: number): number {
  if (Math.abs(r) >= 1) return 0;
  return tTwoSidedP(r * Math.sqrt((n - 2) / (1 - r * r)), n - 2);
}

/** Fisher-z 95% CI of a correlation (defined for n > 3). */
function fisherZCi(r: number, n: number): [number, number] | null {
  if (n <= 3) return null;
  const z = Math.atanh(Math.max(-0.9999999999, Math.min(0.9999999999, r)));
  const se = 1 / Math.sqrt(n - 3);
  return [Math.tanh(z - Z975 * se), Math.tanh(z + Z975 * se)];
}

export function pearsonR(x: ArrayLike<number>, y: ArrayLike<number>): StatTest {
  const { r } = pearsonPairwise(x, y);
  const n = x.length;
  return {
    name: "pearson_r",
    statistic: r,
    df: n - 2,
    pValue: correlationP(r, n),
    effectSize: { name: "pearson_r", value: r, ci95: fisherZCi(r, n) },
    n,
  };
}

/** Spearman's rho: Pearson's r of average ranks; CI by Fisher z with SE 1.06/sqrt(n − 3) (Fieller 1957). */
export function spearmanRho(x: ArrayLike<number>, y: ArrayLike<number>): StatTest {
  const { r: rho } = pearsonPairwise(rank(x).ranks, rank(y).ranks);
  const n = x.length;
  const z = Math.atanh(Math.max(-0.9999999999, Math.min(0.9999999999, rho)));
  const se = 1.06 / Math.sqrt(n - 3);
  return {
    name: "spearman_rho",
    statistic: rho,
    df: n - 2,
    pValue: correlationP(rho, n),
    effectSize: {
      name: "spearman_rho",
      value: rho,
      ci95: n > 3 ? [Math.tanh(z - Z975 * se), Math.tanh(z + Z975 * se)] : null,
    },
    n,
  };
}

/** Σ over tie groups of t(t−1), t(t−1)(t−2) and t(t−1)(2t+5): the tie terms of Kendall's variance. */
function kendallTieTerms(ties: number[]) {
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  for (const t of ties) {
    t0 += t * (t - 1);
    t1 += t * (t - 1) * (t - 2);
    t2 += t * (t - 1) * (2 * t + 5);
  }
  return { t0, t1, t2 };
}

/**
 * Kendall's S = concordant − discordant pairs and the variance of S under independence with ties in
 * both variables (Kendall 1970), shared by Kendall's tau-b and the Mann–Kendall trend test. O(n²).
 */
export function kendallS(x: ArrayLike<number>, y: ArrayLike<number>) {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const yi = y[i] as number;
    for (let j = i + 1; j < n; j++) s += Math.sign((x[j] as number) - xi) * Math.sign((y[j] as number) - yi);
  }
  const tx = kendallTieTerms(rank(x).ties);
  const ty = kendallTieTerms(rank(y).ties);
  const variance =
    (n * (n - 1) * (2 * n + 5) - tx.t2 - ty.t2) / 18 +
    (tx.t1 * ty.t1) / (9 * n * (n - 1) * (n - 2)) +
    (tx.t0 * ty.t0) / (2 * n * (n - 1));
  const pairs = (n * (n - 1)) / 2;
  return { s, variance, pairs, tiedX: tx.t0 / 2, tiedY: ty.t0 / 2 };
}

/** Kendall's tau-b with the asymptotic normal test (scipy.stats.kendalltau(method="asymptotic")). */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): StatTest {
  const { s, variance, pairs, tiedX, tiedY } = kendallS(x, y);
  const tau = s / Math.sqrt((pairs - tiedX) * (pairs - tiedY));
  return {
    name: "kendall_tau",
    statistic: tau,
    pValue: normalTwoSidedP(s / Math.sqrt(variance)),
    effectSize: { name: "kendall_tau_b", value: tau, ci95: null },
    n: x.length,
  };
}
