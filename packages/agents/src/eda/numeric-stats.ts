import type { Histogram, NumericSummary } from "@assay/contracts";
import { pl } from "@assay/datasets";
import { countOf, finiteOrNull } from "./finite.js";
import { releaseDropped } from "./release-dropped.js";
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
  /** The finite values' distinct values, ascending: associations code each row by its place among them. */
  distinct: Float64Array;
}

const QUANTILES = { p5: 0.05, q1: 0.25, median: 0.5, q3: 0.75, p95: 0.95 } as const;

/** n^(1/3) and log2(n) of a column's finite count, as polars computes them (for the bin count). */
interface CountRoots {
  cubeRoot: number;
  log2: number;
}

/**
 * Moments, quantiles, counts, outliers and histogram of numeric columns. Each column is cast,
 * cleaned of non-finite values and sorted once in polars; every statistic is then read or
 * computed in JS from the sorted values (quantiles as polars' linear interpolation, moments as its
 * bias-corrected skewness and excess kurtosis): one small query per column, none per statistic.
 * One column at a time, its sorted copies released before the next (`releaseDropped`), so the
 * phase holds one column's copies, not every column's at once.
 */
export async function numericStats(
  safe: pl.DataFrame,
  indexes: readonly number[],
): Promise<Map<number, NumericStats>> {
  const stats = new Map<number, NumericStats>();
  if (indexes.length === 0) return stats;
  const columns = indexes.map(alias);
  const x = pl.cols(columns).cast(pl.Float64);
  const counts = selectRow(safe, [
    x.isInfinite().sum().suffix(":inf"),
    x.isFinite().sum().suffix(":finite"),
    x.eq(Number.NEGATIVE_INFINITY).sum().suffix(":negInf"),
  ]);
  const roots = countRoots(columns.map((c) => countOf(counts[`${c}:finite`])));
  for (const [k, i] of indexes.entries()) {
    const finite = countOf(counts[`${alias(i)}:finite`]);
    const values = sortedFinite(safe, i, countOf(counts[`${alias(i)}:negInf`]), finite);
    stats.set(i, statsOfSorted(values, countOf(counts[`${alias(i)}:inf`]), roots[k] as CountRoots));
    await releaseDropped();
  }
  return stats;
}

/**
 * A column's finite values sorted, from one query: polars sorts −∞ first, then the finite values,
 * then +∞, NaN and nulls, so the finite ones are a slice, cast after slicing (one copy, no mask).
 */
function sortedFinite(
  safe: pl.DataFrame,
  index: number,
  negativeInfinities: number,
  finite: number,
): Float64Array {
  return safe
    .select(pl.col(alias(index)).sort(false, true).slice(negativeInfinities, finite).cast(pl.Float64))
    .getColumn(alias(index))
    .toTypedArray() as Float64Array;
}

/** The powers and logarithms in polars, for every column in one small query: JS's differ in the last bit. */
function countRoots(finiteCounts: readonly number[]): CountRoots[] {
  const n = pl.col("n");
  const rows = pl
    .DataFrame([pl.Series("n", finiteCounts, pl.Float64)])
    .select(n.pow(1 / 3).alias("cubeRoot"), n.log(2).alias("log2"))
    .toRecords() as Record<string, unknown>[];
  return rows.map((r) => ({ cubeRoot: Number(r.cubeRoot), log2: Number(r.log2) }));
}

/** Linear interpolation between the closest ranks, as polars' "linear" quantile. */
function quantileOfSorted(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const lower = sorted[low] as number;
  const upper = sorted[high] as number;
  return low === high ? lower : (position - low) * (upper - lower) + lower;
}

interface Moments {
  mean: number;
  /** Sample standard deviation (ddof 1). */
  std: number;
  /** Bias-corrected sample skewness (G1), as pandas reports it. */
  skew: number;
  /** Bias-corrected EXCESS kurtosis (G2, Fisher, normal = 0), as pandas reports it. */
  kurt: number;
}

/** Two passes: the mean, then the central moments. NaN or ±Infinity where n is too small. */
function momentsOf(values: Float64Array): Moments {
  const n = values.length;
  let sum = 0;
  for (let r = 0; r < n; r++) sum += values[r] as number;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let r = 0; r < n; r++) {
    const d = (values[r] as number) - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const b2 = m2 / n;
  const g1 = m3 / n / b2 ** 1.5;
  const g2 = m4 / n / (b2 * b2) - 3;
  return {
    mean,
    std: Math.sqrt(m2 / (n - 1)),
    skew: (g1 * Math.sqrt(n * (n - 1))) / (n - 2),
    kurt: (((n + 1) * g2 + 6) * (n - 1)) / ((n - 2) * (n - 3)),
  };
}

function statsOfSorted(sorted: Float64Array, infinities: number, roots: CountRoots): NumericStats {
  const n = sorted.length;
  const quantile = (q: number) => (n > 0 ? quantileOfSorted(sorted, q) : null);
  const median = quantile(QUANTILES.median);
  const q1 = quantile(QUANTILES.q1);
  const q3 = quantile(QUANTILES.q3);
  const mad = median === null ? null : medianAbsoluteDeviation(sorted, median);
  const tally = tallySorted(sorted, q1, q3, median, mad);
  const moments = n > 0 ? momentsOf(sorted) : null;
  const min = n > 0 ? (sorted[0] as number) : null;
  const max = n > 0 ? (sorted[n - 1] as number) : null;
  const summary: NumericSummary = {
    mean: finiteOrNull(moments?.mean),
    std: finiteOrNull(moments?.std),
    min: finiteOrNull(min),
    p5: finiteOrNull(quantile(QUANTILES.p5)),
    q1: finiteOrNull(q1),
    median: finiteOrNull(median),
    q3: finiteOrNull(q3),
    p95: finiteOrNull(quantile(QUANTILES.p95)),
    max: finiteOrNull(max),
    iqr: finiteOrNull(q1) !== null && finiteOrNull(q3) !== null ? (q3 as number) - (q1 as number) : null,
    skewness: finiteOrNull(moments?.skew),
    kurtosis: finiteOrNull(moments?.kurt),
    zeros: tally.zeros,
    negatives: tally.negatives,
    infinities,
    histogram: n > 0 ? histogramOf(sorted, binCount(sorted, q1 as number, q3 as number, roots)) : null,
  };
  return {
    summary,
    finite: n,
    mad: finiteOrNull(mad),
    outliersIqr: tally.outliersIqr,
    outliersMad: tally.outliersMad,
    distinct: distinctOfSorted(sorted),
  };
}

/** Each value of a sorted array once (−0 and 0 count as one value, as in polars' unique). */
function distinctOfSorted(sorted: Float64Array): Float64Array {
  let m = 0;
  for (let r = 0; r < sorted.length; r++) if (r === 0 || sorted[r] !== sorted[r - 1]) m++;
  const distinct = new Float64Array(m);
  m = 0;
  for (let r = 0; r < sorted.length; r++) {
    const v = sorted[r] as number;
    if (r === 0 || v !== sorted[r - 1]) distinct[m++] = v;
  }
  return distinct;
}

/**
 * Bin count: Freedman–Diaconis when the IQR is positive, Sturges otherwise; 1..MAX_HISTOGRAM_BINS.
 * The arithmetic of the polars expression it replaces, step for step, so the bins are unchanged.
 */
function binCount(sorted: Float64Array, q1: number, q3: number, roots: CountRoots): number {
  const range = (sorted[sorted.length - 1] as number) - (sorted[0] as number);
  const iqr = q3 - q1;
  const freedmanDiaconis = Math.ceil(range / ((iqr * 2) / roots.cubeRoot));
  const sturges = Math.ceil(roots.log2) + 1;
  const bins = range > 0 ? (iqr > 0 ? freedmanDiaconis : sturges) : 1;
  return Math.min(MAX_HISTOGRAM_BINS, Math.max(1, bins));
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
