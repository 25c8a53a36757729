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

/**
 * Moments, quantiles, counts and outlier counts of a group of numeric columns in one query.
 * Each statistic is one multi-column expression (polars expands it per column, suffixing the
 * name): building a JS expression object per column and statistic costs more than the query.
 */
export function numericStats(safe: pl.DataFrame, indexes: readonly number[]): Map<number, NumericStats> {
  const row = selectRow(safe, numericExprs(indexes.map(alias)));
  const stats = new Map<number, NumericStats>();
  for (const i of indexes) {
    const get = (name: string) => finiteOrNull(row[`${alias(i)}:${name}`]);
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
      zeros: countOf(row[`${alias(i)}:zeros`]),
      negatives: countOf(row[`${alias(i)}:negatives`]),
      infinities: countOf(row[`${alias(i)}:inf`]),
      histogram: null,
    };
    stats.set(i, {
      summary,
      finite: countOf(row[`${alias(i)}:finite`]),
      mad: get("mad"),
      outliersIqr: countOf(row[`${alias(i)}:outIqr`]),
      outliersMad: countOf(row[`${alias(i)}:outMad`]),
    });
  }
  attachHistograms(safe, stats);
  return stats;
}

function numericExprs(columns: string[]): pl.Expr[] {
  if (columns.length === 0) return [];
  const x = pl.cols(columns).cast(pl.Float64);
  const f = x.filter(x.isFinite());
  const q1 = f.quantile(QUANTILES.q1, "linear");
  const q3 = f.quantile(QUANTILES.q3, "linear");
  const iqr = q3.sub(q1);
  const median = f.median();
  const mad = f.sub(median).abs().median();
  return [
    f.count().suffix(":finite"),
    f.mean().suffix(":mean"),
    f.std().suffix(":std"), // sample standard deviation (ddof 1)
    f.min().suffix(":min"),
    f.max().suffix(":max"),
    ...Object.entries(QUANTILES).map(([name, q]) => f.quantile(q, "linear").suffix(`:${name}`)),
    // Bias-corrected sample skewness (G1) and EXCESS kurtosis (G2, Fisher, normal = 0), as pandas reports them.
    f.skew(false).suffix(":skew"),
    f.kurtosis(true, false).suffix(":kurt"),
    x.eq(0).sum().suffix(":zeros"),
    f.lt(0).sum().suffix(":negatives"),
    x.isInfinite().sum().suffix(":inf"),
    mad.suffix(":mad"),
    f
      .lt(q1.sub(iqr.mul(IQR_FENCE_K)))
      .or(f.gt(q3.add(iqr.mul(IQR_FENCE_K))))
      .sum()
      .suffix(":outIqr"),
    // Modified z-score 0.6745·|x − median| / MAD > limit, written without division (MAD may be 0).
    f.sub(median).abs().mul(0.6745).gt(mad.mul(MAD_Z_LIMIT)).sum().suffix(":outMad"),
  ];
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

/**
 * One more query for all histograms of the group, again one expression per statistic: the bin
 * count, and the value counts of each value's bin index (the last bin includes the maximum, as numpy).
 */
function attachHistograms(safe: pl.DataFrame, stats: Map<number, NumericStats>): void {
  const columns = [...stats].filter(([, s]) => s.finite > 0).map(([i]) => alias(i));
  if (columns.length === 0) return;
  const x = pl.cols(columns).cast(pl.Float64);
  const f = x.filter(x.isFinite());
  const bins = binCountExpr(f);
  const min = f.min();
  const range = f.max().sub(min);
  const raw = pl.when(range.gt(0)).then(f.sub(min).div(range).mul(bins).floor()).otherwise(pl.lit(0));
  const bin = pl.when(raw.gtEq(bins)).then(bins.sub(1)).otherwise(raw).cast(pl.Int32);
  const row = selectRow(safe, [bins.suffix(":bins"), bin.valueCounts().implode().suffix(":hist")]);
  for (const column of columns) {
    const s = stats.get(Number(column.slice(1)));
    const { min: lo, max: hi } = s?.summary ?? {};
    if (!s || lo === null || lo === undefined || hi === null || hi === undefined) continue;
    // Values near ±1.8e308 have a range no double holds: no bins can be drawn, so no histogram.
    if (!Number.isFinite(hi - lo)) continue;
    const k = countOf(row[`${column}:bins`]);
    const counts = new Array<number>(k).fill(0);
    for (const entry of (row[`${column}:hist`] ?? []) as Record<string, unknown>[]) {
      const b = countOf(entry[column]);
      if (b < k) counts[b] = countOf(entry.count);
    }
    const edges: Histogram["edges"] = Array.from({ length: k + 1 }, (_, j) =>
      // (j / k) first: j · range could overflow where range itself does not.
      j === k ? hi : lo + (hi - lo) * (j / k),
    );
    s.summary.histogram = { edges, counts };
  }
}
