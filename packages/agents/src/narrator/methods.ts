import type { HypothesisResult, Profile } from "@assay/contracts";
import {
  ASSOCIATION_SAMPLE_ROWS,
  HIGH_CORRELATION_ABS,
  IMBALANCE_SCORE,
  IQR_FENCE_K,
  MAD_Z_LIMIT,
  MAX_ASSOCIATION_COLUMNS,
  MAX_HISTOGRAM_BINS,
  SKEWED_ABS,
} from "../eda/thresholds.js";

/** What was computed and how, in words, for the Methods section. */
export function profileMethods(profile: Profile): string[] {
  const methods = [
    "Profiled with nodejs-polars in batched queries (one per group of columns and phase) over all rows.",
    "Column kinds inferred from dtype, distinct values and (for text) parsing as numbers and dates; each column states its reason.",
    "Numeric statistics over finite values only (infinities counted separately): mean, sample standard deviation (ddof 1), linear-interpolated quantiles (as numpy), bias-corrected skewness and bias-corrected EXCESS kurtosis (normal = 0, as pandas).",
    `Histograms with Freedman–Diaconis bin width (Sturges when the IQR is 0), at most ${MAX_HISTOGRAM_BINS} bins.`,
    `Pearson and Spearman (average ranks) correlations over rows where both columns are finite; Cramér's V without bias correction for category pairs; correlation ratio η for numeric–category pairs; at most ${MAX_ASSOCIATION_COLUMNS} columns considered, most complete first.`,
    `Outliers: Tukey fences at ${IQR_FENCE_K}·IQR and modified z-score > ${MAD_Z_LIMIT} (Iglewicz–Hoaglin, 0.6745·|x − median|/MAD).`,
    `Alerts: skewed when |skewness| > ${SKEWED_ABS}; imbalance when 1 − entropy/log(k) > ${IMBALANCE_SCORE}; high correlation when |value| ≥ ${HIGH_CORRELATION_ABS}.`,
    "Duplicate rows are rows identical to an earlier row; memory is an estimate from dtype widths and string lengths.",
  ];
  if (profile.sample) {
    methods.push(
      `Sampled statistics: ${profile.sample.statistics.join("; ")} (association sample at most ${ASSOCIATION_SAMPLE_ROWS} rows).`,
    );
  }
  return methods;
}

/** How the question was planned and the hypotheses tested, for the Methods section. */
export function analysisMethods(
  planNotes: readonly string[],
  hypotheses: readonly HypothesisResult[],
  alpha: number,
): string[] {
  const methods = planNotes.map((note) => `Plan: ${note}.`);
  if (hypotheses.length === 0) return methods;
  methods.push(
    `Hypotheses tested at alpha ${alpha}. Group differences: Welch's t or Mann–Whitney U for two groups, one-way/Welch ANOVA and Kruskal–Wallis for more, with Shapiro–Wilk and Levene (median) checks choosing the primary test. Associations: Pearson r (Fisher z CI), Spearman ρ and Kendall τ-b for numbers; χ² or Fisher's exact test with Cramér's V for categories. Trends: Mann–Kendall with the OLS slope beside it. Regression: OLS with dummy-coded categories.`,
    "p-values of all primary and alternative tests of the job are adjusted together by Benjamini–Hochberg (false discovery rate); assumption checks are not adjusted.",
    "Summary findings rank hypothesis results by significance after adjustment, then by effect size on a common correlation scale (√η², √ε², √R², g/√(g²+4)), then by adjusted p.",
  );
  return methods;
}
