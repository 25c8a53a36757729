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

/** Sum and distinct-value count of sorted values, in one pass (the first of `passesOverSorted`). */
function firstPass(sorted: Float64Array): { sum: number; distinct: number } {
  let sum = 0;
  let distinct = 0;
  for (let r = 0; r < sorted.length; r++) {
    const v = sorted[r] as number;
    sum += v;
    // −0 and 0 count as one value, as in polars' unique.
    if (r === 0 || v !== sorted[r - 1]) distinct++;
  }
  return { sum, distinct };
}

interface Passes {
  /** Null when there are no values. */
  moments: Moments | null;
  tally: Tally;
  /** Counts per bin, the last bin including the maximum (as numpy); null when no histogram. */
  binCounts: Float64Array | null;
  /** Each value once, ascending. */
  distinct: Float64Array;
}

/**
 * Every statistic that visits each value, in two passes over the sorted values instead of one or
 * two per statistic: the sum and distinct count, then the central moments (of the mean from the
 * first pass, so each sum adds the same terms in the same order as its own pass would), the tally,
 * the histogram counts and the distinct values.
 */
function passesOverSorted(sorted: Float64Array, fences: TallyFences | null, bins: number | null): Passes {
  const n = sorted.length;
  const first = firstPass(sorted);
  const mean = first.sum / n;
  const tally: Tally = { zeros: 0, negatives: 0, outliersIqr: 0, outliersMad: 0 };
  const distinct = new Float64Array(first.distinct);
  const lo = sorted[0] as number;
  const range = (sorted[n - 1] as number) - lo;
  // Values near ±1.8e308 have a range no double holds: no bins can be drawn, so no histogram.
  const binCounts =
    n > 0 && bins !== null && Number.isFinite(range) && bins >= 1 ? new Float64Array(bins) : null;
  // Times the reciprocal, as polars divides a column by a scalar: values on a bin edge fall as before.
  const perRange = 1 / range;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  let m = 0;
  for (let r = 0; r < n; r++) {
    const x = sorted[r] as number;
    const d = x - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
    if (r === 0 || x !== sorted[r - 1]) distinct[m++] = x;
    if (fences !== null) {
      if (x === 0) tally.zeros++;
      if (x < 0) tally.negatives++;
      if (x < fences.low || x > fences.high) tally.outliersIqr++;
      // Modified z-score 0.6745·|x − median| / MAD > limit, written without division (MAD may be 0).
      if (Math.abs(x - fences.median) * 0.6745 > fences.madLimit) tally.outliersMad++;
    }
    if (binCounts !== null) {
      const bin = range > 0 ? Math.floor((x - lo) * perRange * (bins as number)) : 0;
      const b = Math.min(bin, (bins as number) - 1);
      binCounts[b] = (binCounts[b] as number) + 1;
    }
  }
  return { moments: n > 0 ? momentsFrom(n, mean, m2, m3, m4) : null, tally, binCounts, distinct };
}

/** Standard deviation, skewness and excess kurtosis from the central sums. NaN or ±Infinity where n is too small. */
function momentsFrom(n: number, mean: number, m2: number, m3: number, m4: number): Moments {
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
  const fences = tallyFences(q1, q3, median, mad);
  const bins = n > 0 ? binCount(sorted, q1 as number, q3 as number, roots) : null;
  const { moments, tally, binCounts, distinct } = passesOverSorted(sorted, fences, bins);
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
    histogram: binCounts === null ? null : histogramOf(sorted, binCounts),
  };
  return {
    summary,
    finite: n,
    mad: finiteOrNull(mad),
    outliersIqr: tally.outliersIqr,
    outliersMad: tally.outliersMad,
    distinct,
  };
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

/** What the tally compares each value with; null when there are no values. */
interface TallyFences {
  low: number;
  high: number;
  median: number;
  madLimit: number;
}

/** Tukey fences at IQR_FENCE_K·IQR and the modified-z limit, as MAD · MAD_Z_LIMIT. */
function tallyFences(
  q1: number | null,
  q3: number | null,
  median: number | null,
  mad: number | null,
): TallyFences | null {
  if (q1 === null || q3 === null || median === null || mad === null) return null;
  const iqr = q3 - q1;
  return { low: q1 - iqr * IQR_FENCE_K, high: q3 + iqr * IQR_FENCE_K, median, madLimit: mad * MAD_Z_LIMIT };
}

/** The histogram's edges around counts from `passesOverSorted`. */
function histogramOf(sorted: Float64Array, counts: Float64Array): Histogram {
  const bins = counts.length;
  const lo = sorted[0] as number;
  const hi = sorted[sorted.length - 1] as number;
  const range = hi - lo;
  const edges: Histogram["edges"] = Array.from({ length: bins + 1 }, (_, j) =>
    // (j / k) first: j · range could overflow where range itself does not.
    j === bins ? hi : lo + range * (j / bins),
  );
  return { edges, counts: Array.from(counts) };
}
