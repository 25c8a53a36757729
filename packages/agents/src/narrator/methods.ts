import type { Profile } from "@assay/contracts";
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
