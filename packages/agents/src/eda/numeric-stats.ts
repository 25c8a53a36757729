import type { Histogram, NumericSummary } from "@assay/contracts";
import pl from "nodejs-polars";
import { countOf, finiteOrNull } from "./finite.js";
import { alias, selectRow } from "./safe-frame.js";
import { IQR_FENCE_K, MAD_Z_LIMIT, MAX_HISTOGRAM_BINS } from "./thresholds.js";

/** The contract's summary plus what alerts need. */
export interface NumericStats {
  summary: NumericSummary;
  /** Finite, non-missing values: every statistic below is over these. */
  finite: number;
  /** Median absolute deviation from the median (unscaled). */
  mad: number | null;
  outliersIqr: number;
  outliersMad: number;
}

const QUANTILES = { p5: 0.05, q1: 0.25, median: 0.5, q3: 0.75, p95: 0.95 } as const;

/** Moments, quantiles, counts and outlier counts of a group of numeric columns in one query. */
export function numericStats(safe: pl.DataFrame, indexes: readonly number[]): Map<number, NumericStats> {
  const exprs = indexes.flatMap((i) => numericExprs(i));
  const row = selectRow(safe, exprs);
  const stats = new Map<number, NumericStats>();
  for (const i of indexes) {
    const get = (name: string) => finiteOrNull(row[`${i}:${name}`]);
    const q1 = get("q1");
    const q3 = get("q3");
    const summary: NumericSummary = {
      mean: get("mean"),
      std: get("std"),
      min: get("min"),
      p5: get("p5"),
      q1,
      median: get("median"),
      q3,
      p95: get("p95"),
      max: get("max"),
      iqr: q1 !== null && q3 !== null ? q3 - q1 : null,
      skewness: get("skew"),
      kurtosis: get("kurt"),
      zeros: countOf(row[`${i}:zeros`]),
      negatives: countOf(row[`${i}:negatives`]),
      infinities: countOf(row[`${i}:inf`]),
      histogram: null,
    };
    stats.set(i, {
      summary,
      finite: countOf(row[`${i}:finite`]),
      mad: get("mad"),
      outliersIqr: countOf(row[`${i}:outIqr`]),
      outliersMad: countOf(row[`${i}:outMad`]),
    });
  }
  attachHistograms(safe, stats);
  return stats;
}

function numericExprs(i: number): pl.Expr[] {
  const x = pl.col(alias(i)).cast(pl.Float64);
  const f = x.filter(x.isFinite());
  const q1 = f.quantile(QUANTILES.q1, "linear");
  const q3 = f.quantile(QUANTILES.q3, "linear");
  const iqr = q3.sub(q1);
  const median = f.median();
  const mad = f.sub(median).abs().median();
  return [
    f.count().alias(`${i}:finite`),
    f.mean().alias(`${i}:mean`),
    f.std().alias(`${i}:std`), // sample standard deviation (ddof 1)
    f.min().alias(`${i}:min`),
    f.max().alias(`${i}:max`),
    ...Object.entries(QUANTILES).map(([name, q]) => f.quantile(q, "linear").alias(`${i}:${name}`)),
    // Bias-corrected sample skewness (G1) and EXCESS kurtosis (G2, Fisher, normal = 0), as pandas reports them.
    f.skew(false).alias(`${i}:skew`),
    f.kurtosis(true, false).alias(`${i}:kurt`),
    x.eq(0).sum().alias(`${i}:zeros`),
    f.lt(0).sum().alias(`${i}:negatives`),
    x.isInfinite().sum().alias(`${i}:inf`),
    mad.alias(`${i}:mad`),
    f
      .lt(q1.sub(iqr.mul(IQR_FENCE_K)))
      .or(f.gt(q3.add(iqr.mul(IQR_FENCE_K))))
      .sum()
      .alias(`${i}:outIqr`),
    // Modified z-score 0.6745·|x − median| / MAD > limit, written without division (MAD may be 0).
    f.sub(median).abs().mul(0.6745).gt(mad.mul(MAD_Z_LIMIT)).sum().alias(`${i}:outMad`),
  ];
}

/** Bin edges: Freedman–Diaconis when the IQR is positive, Sturges otherwise; at most MAX_HISTOGRAM_BINS. */
export function histogramBins(min: number, max: number, iqr: number | null, n: number): number {
  if (max <= min || n <= 1) return 1;
  const sturges = Math.ceil(Math.log2(n)) + 1;
  const fdWidth = iqr !== null && iqr > 0 ? (2 * iqr) / Math.cbrt(n) : 0;
  const bins = fdWidth > 0 ? Math.ceil((max - min) / fdWidth) : sturges;
  return Math.max(1, Math.min(MAX_HISTOGRAM_BINS, bins));
}

/** One more query for all histograms of the group: bin index value counts per column. */
function attachHistograms(safe: pl.DataFrame, stats: Map<number, NumericStats>): void {
  const plans: { i: number; min: number; width: number; bins: number }[] = [];
  for (const [i, s] of stats) {
    const { min, max, iqr } = s.summary;
    if (min === null || max === null || s.finite === 0) continue;
    const bins = histogramBins(min, max, iqr, s.finite);
    plans.push({ i, min, width: bins === 1 ? 1 : (max - min) / bins, bins });
  }
  const exprs = plans.map(({ i, min, width, bins }) => {
    const x = pl.col(alias(i)).cast(pl.Float64);
    const f = x.filter(x.isFinite());
    return f
      .sub(min)
      .div(width)
      .floor()
      .clip(0, bins - 1)
      .cast(pl.Int32)
      .valueCounts()
      .implode()
      .alias(`${i}:hist`);
  });
  const row = selectRow(safe, exprs);
  for (const { i, min, width, bins } of plans) {
    const s = stats.get(i);
    if (!s) continue;
    const counts = new Array<number>(bins).fill(0);
    for (const entry of (row[`${i}:hist`] ?? []) as Record<string, unknown>[]) {
      const bin = countOf(entry[alias(i)]);
      if (bin < bins) counts[bin] = countOf(entry.count);
    }
    const max = s.summary.max ?? min;
    const edges: Histogram["edges"] = Array.from({ length: bins + 1 }, (_, k) =>
      k === bins ? max : min + k * width,
    );
    s.summary.histogram = { edges, counts };
  }
}
