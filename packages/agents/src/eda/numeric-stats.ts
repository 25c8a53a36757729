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

/** Name of the one column of the per-column frame of sorted finite values. */
const SORTED = "v";

/**
 * Moments, quantiles, counts, outliers and histogram of numeric columns. Each column is cast,
 * cleaned of non-finite values and sorted once; on a column polars knows is sorted, min, max and
 * every quantile are lookups, so one small select gives them with the moments; the counts, the MAD
 * and the histogram then take one pass over the sorted values in JS (the same arithmetic the polars
 * expressions did, so the numbers are unchanged).
 */
export function numericStats(safe: pl.DataFrame, indexes: readonly number[]): Map<number, NumericStats> {
  const columns = indexes.map(alias);
  const infinities = selectRow(
    safe,
    columns.length > 0 ? [pl.cols(columns).cast(pl.Float64).isInfinite().sum().suffix(":inf")] : [],
  );
  const stats = new Map<number, NumericStats>();
  for (const i of indexes) {
    const x = safe.getColumn(alias(i)).cast(pl.Float64);
    const sorted = x.filter(x.isFinite()).sort().alias(SORTED);
    stats.set(i, statsOfSorted(sorted, countOf(infinities[`${alias(i)}:inf`])));
  }
  return stats;
}

/** The expressions over the sorted column, built once: each polars expression object is costly to make. */
let sortedExprsCache: pl.Expr[] | undefined;
function sortedExprs(): pl.Expr[] {
  if (sortedExprsCache) return sortedExprsCache;
  const v = pl.col(SORTED);
  sortedExprsCache = [
    v.mean().alias("mean"),
    v.std().alias("std"), // sample standard deviation (ddof 1)
    v.min().alias("min"),
    v.max().alias("max"),
    ...Object.entries(QUANTILES).map(([name, q]) => v.quantile(q, "linear").alias(name)),
    // Bias-corrected sample skewness (G1) and EXCESS kurtosis (G2, Fisher, normal = 0), as pandas reports them.
    v.skew(false).alias("skew"),
    v.kurtosis(true, false).alias("kurt"),
    binCountExpr(v).alias("bins"),
  ];
  return sortedExprsCache;
}

function statsOfSorted(sorted: pl.Series, infinities: number): NumericStats {
  const n = sorted.length;
  const row = n > 0 ? selectRow(pl.DataFrame([sorted]), sortedExprs()) : {};
  const raw = (name: string) => (typeof row[name] === "number" ? (row[name] as number) : null);
  const values = n > 0 ? (sorted.toTypedArray() as Float64Array) : new Float64Array(0);
  const median = raw("median");
  const mad = median === null ? null : medianAbsoluteDeviation(values, median);
  const tally = tallySorted(values, raw("q1"), raw("q3"), median, mad);
  const q1 = finiteOrNull(row.q1);
  const q3 = finiteOrNull(row.q3);
  const summary: NumericSummary = {
    mean: finiteOrNull(row.mean),
    std: finiteOrNull(row.std),
    min: finiteOrNull(row.min),
    p5: finiteOrNull(row.p5),
    q1,
    median: finiteOrNull(median),
    q3,
    p95: finiteOrNull(row.p95),
    max: finiteOrNull(row.max),
    iqr: q1 !== null && q3 !== null ? q3 - q1 : null,
    skewness: finiteOrNull(row.skew),
    kurtosis: finiteOrNull(row.kurt),
    zeros: tally.zeros,
    negatives: tally.negatives,
    infinities,
    histogram: n > 0 ? histogramOf(values, countOf(row.bins)) : null,
  };
  return {
    summary,
    finite: n,
    mad: finiteOrNull(mad),
    outliersIqr: tally.outliersIqr,
    outliersMad: tally.outliersMad,
  };
}

/** Bin count: Freedman–Diaconis when the IQR is positive, Sturges otherwise; 1..MAX_HISTOGRAM_BINS. */
function binCountExpr(f: pl.Expr): pl.Expr {
  const n = f.count().cast(pl.Float64);
  const range = f.max().sub(f.min());
  const iqr = f.quantile(QUANTILES.q3, "linear").sub(f.quantile(QUANTILES.q1, "linear"));
  const freedmanDiaconis = range.div(iqr.mul(2).div(n.pow(1 / 3))).ceil();
  const sturges = n.log(2).ceil().add(1);
  return pl
    .when(range.gt(0))
    .then(pl.when(iqr.gt(0)).then(freedmanDiaconis).otherwise(sturges))
    .otherwise(pl.lit(1))
    .clip(1, MAX_HISTOGRAM_BINS);
}

/** First index whose value is ≥ target. */
function lowerBound(sorted: Float64Array, target: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Median of |v − m| without sorting the deviations: walking outward from m over sorted values
 * yields them in increasing order. Interpolated as polars' linear median does.
 */
function medianAbsoluteDeviation(sorted: Float64Array, m: number): number {
  const n = sorted.length;
  const position = (n - 1) * 0.5;
  const lowIndex = Math.floor(position);
  const highIndex = Math.ceil(position);
  let right = lowerBound(sorted, m);
  let left = right - 1;
  let lower = Number.NaN;
  let upper = Number.NaN;
  for (let k = 0; k <= highIndex; k++) {
    const fromLeft = left >= 0 ? Math.abs((sorted[left] as number) - m) : Number.NaN;
    const fromRight = right < n ? Math.abs((sorted[right] as number) - m) : Number.NaN;
    let d: number;
    if (left >= 0 && (right >= n || fromLeft <= fromRight)) {
      d = fromLeft;
      left--;
    } else {
      d = fromRight;
      right++;
    }
    if (k === lowIndex) lower = d;
    if (k === highIndex) upper = d;
  }
  return lower === upper ? lower : (position - lowIndex) * (upper - lower) + lower;
}

interface Tally {
  zeros: number;
  negatives: number;
  outliersIqr: number;
  outliersMad: number;
}

/** Zeros, negatives, Tukey-fence and modified-z outliers in one pass. */
function tallySorted(
  values: Float64Array,
  q1: number | null,
  q3: number | null,
  median: number | null,
  mad: number | null,
): Tally {
  const tally: Tally = { zeros: 0, negatives: 0, outliersIqr: 0, outliersMad: 0 };
  if (values.length === 0 || q1 === null || q3 === null || median === null || mad === null) return tally;
  const iqr = q3 - q1;
  const low = q1 - iqr * IQR_FENCE_K;
  const high = q3 + iqr * IQR_FENCE_K;
  // Modified z-score 0.6745·|x − median| / MAD > limit, written without division (MAD may be 0).
  const madLimit = mad * MAD_Z_LIMIT;
  for (let r = 0; r < values.length; r++) {
    const x = values[r] as number;
    if (x === 0) tally.zeros++;
    if (x < 0) tally.negatives++;
    if (x < low || x > high) tally.outliersIqr++;
    if (Math.abs(x - median) * 0.6745 > madLimit) tally.outliersMad++;
  }
  return tally;
}

/** Counts per bin, the last bin including the maximum (as numpy); null when the range overflows. */
function histogramOf(sorted: Float64Array, bins: number): Histogram | null {
  const lo = sorted[0] as number;
  const hi = sorted[sorted.length - 1] as number;
  const range = hi - lo;
  // Values near ±1.8e308 have a range no double holds: no bins can be drawn, so no histogram.
  if (!Number.isFinite(range) || bins < 1) return null;
  const counts = new Float64Array(bins);
  // Times the reciprocal, as polars divides a column by a scalar: values on a bin edge fall as before.
  const perRange = 1 / range;
  for (let r = 0; r < sorted.length; r++) {
    const bin = range > 0 ? Math.floor(((sorted[r] as number) - lo) * perRange * bins) : 0;
    const b = Math.min(bin, bins - 1);
    counts[b] = (counts[b] as number) + 1;
  }
  const edges: Histogram["edges"] = Array.from({ length: bins + 1 }, (_, j) =>
    // (j / k) first: j · range could overflow where range itself does not.
    j === bins ? hi : lo + range * (j / bins),
  );
  return { edges, counts: Array.from(counts) };
}
