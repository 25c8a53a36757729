import { mean, median, rank, tieSum, variance } from "./descriptive.js";
import { chi2UpperP, fUpperP, noncentralFCdf, noncentralityCi } from "./distributions.js";
import type { StatTest } from "./stat-test.js";

function sumSquares(groups: ArrayLike<number>[]) {
  const all = groups.flatMap((g) => Array.from(g));
  const grand = mean(all);
  let between = 0;
  let within = 0;
  for (const g of groups) {
    const m = mean(g);
    between += g.length * (m - grand) ** 2;
    for (let i = 0; i < g.length; i++) within += ((g[i] as number) - m) ** 2;
  }
  return { between, within, n: all.length };
}

/**
 * One-way ANOVA (scipy.stats.f_oneway). Effect size: eta² = SSB/SST with a 95% CI from inverting the
 * noncentral F (eta² = λ/(λ + N), Steiger 2004); omega² is given in the note.
 */
export function anovaOneway(groups: ArrayLike<number>[]): StatTest {
  const k = groups.length;
  const { between, within, n } = sumSquares(groups);
  const df1 = k - 1;
  const df2 = n - k;
  const msWithin = within / df2;
  const f = between / df1 / msWithin;
  const eta2 = between / (between + within);
  const omega2 = (between - df1 * msWithin) / (between + within + msWithin);
  const ci = noncentralityCi((lambda) => noncentralFCdf(f, df1, df2, lambda));
  return {
    name: "anova_oneway",
    statistic: f,
    df: [df1, df2],
    pValue: fUpperP(f, df1, df2),
    effectSize: { name: "eta_squared", value: eta2, ci95: ci && [ci[0] / (ci[0] + n), ci[1] / (ci[1] + n)] },
    n,
    note: `omega² = ${omega2.toPrecision(4)}`,
  };
}

/**
 * Welch's heteroscedastic one-way ANOVA (Welch 1951; R oneway.test(var.equal = FALSE)).
 * Needs every group variance > 0. Effect size: omega² estimated from Welch's F and its degrees of
 * freedom, (F − 1)·df1 / (F·df1 + df2 + 1) floored at 0 (as R effectsize::F_to_omega2); no CI.
 */
export function welchAnova(groups: ArrayLike<number>[]): StatTest {
  const k = groups.length;
  const weights = groups.map((g) => g.length / variance(g));
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  const means = groups.map(mean);
  const weightedMean = weights.reduce((s, w, i) => s + w * (means[i] as number), 0) / totalWeight;
  const a = weights.reduce((s, w, i) => s + w * ((means[i] as number) - weightedMean) ** 2, 0) / (k - 1);
  const lambda = weights.reduce(
    (s, w, i) => s + (1 - w / totalWeight) ** 2 / ((groups[i] as ArrayLike<number>).length - 1),
    0,
  );
  const f = a / (1 + ((2 * (k - 2)) / (k * k - 1)) * lambda);
  const df2 = (k * k - 1) / (3 * lambda);
  const df1 = k - 1;
  return {
    name: "welch_anova",
    statistic: f,
    df: [df1, df2],
    pValue: fUpperP(f, df1, df2),
    effectSize: {
      name: "omega_squared",
      value: Math.max(0, ((f - 1) * df1) / (f * df1 + df2 + 1)),
      ci95: null,
    },
    n: groups.reduce((s, g) => s + g.length, 0),
  };
}

/**
 * Kruskal–Wallis H with tie correction (scipy.stats.kruskal). Effect size: epsilon² = H / (N − 1)
 * (Tomczak & Tomczak 2014); no CI is defined in closed form.
 */
export function kruskalWallis(groups: ArrayLike<number>[]): StatTest {
  const all = groups.flatMap((g) => Array.from(g));
  const n = all.length;
  const { ranks, ties } = rank(all);
  let offset = 0;
  let h = 0;
  for (const g of groups) {
    let rankSum = 0;
    for (let i = 0; i < g.length; i++) rankSum += ranks[offset + i] as number;
    h += (rankSum * rankSum) / g.length;
    offset += g.length;
  }
  h = (12 / (n * (n + 1))) * h - 3 * (n + 1);
  const correction = 1 - tieSum(ties) / (n * n * n - n);
  h = correction > 0 ? h / correction : 0;
  const df = groups.length - 1;
  return {
    name: "kruskal_wallis",
    statistic: h,
    df,
    pValue: chi2UpperP(h, df),
    effectSize: { name: "epsilon_squared", value: Math.min(1, h / (n - 1)), ci95: null },
    n,
  };
}

/**
 * Levene's test in the Brown–Forsythe variant: ANOVA on absolute deviations from each group's
 * median (scipy.stats.levene(center="median")), robust to non-normal data.
 */
export function leveneMedian(groups: ArrayLike<number>[]): StatTest {
  const deviations = groups.map((g) => {
    const m = median(g);
    return Float64Array.from(g, (v) => Math.abs(v - m));
  });
  const { between, within, n } = sumSquares(deviations);
  const df1 = groups.length - 1;
  const df2 = n - groups.length;
  const f = within > 0 ? between / df1 / (within / df2) : 0;
  return {
    name: "levene",
    statistic: f,
    df: [df1, df2],
    pValue: fUpperP(f, df1, df2),
    n,
    note: "Brown–Forsythe variant (deviations from group medians)",
  };
}
