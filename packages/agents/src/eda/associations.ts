import type { Association } from "@assay/contracts";
import { pl } from "@assay/datasets";
import { rFromCentredSums } from "../hypotheses/stats/pearson.js";
import { releaseDropped } from "./release-dropped.js";
import { alias } from "./safe-frame.js";

export interface AssociationColumn {
  index: number;
  name: string;
  role: "numeric" | "categorical";
}

export function associationId(x: string, y: string, method: Association["method"]): string {
  return `assoc:${x}~${y}:${method}`;
}

/**
 * Pearson and Spearman of every numeric pair. Non-finite values count as missing, and each pair
 * uses the rows where both values are present (pairwise deletion, as scipy on complete pairs).
 * Each column is read once, as codes into its sorted distinct values (`distinctOf`, from the
 * numeric statistics): a pair's values and its average ranks (ties averaged, as scipy) are both
 * lookups by code, so no pair sorts anything and no column keeps a copy of its values.
 */
export async function numericAssociations(
  safe: pl.DataFrame,
  columns: readonly AssociationColumn[],
  distinctOf: ReadonlyMap<number, { distinct: Float64Array }>,
): Promise<Association[]> {
  const numeric = columns.filter((c) => c.role === "numeric");
  if (numeric.length < 2) return [];
  const coded = new Map<number, CodedColumn>();
  for (const c of numeric) {
    coded.set(c.index, codedColumn(safe, c.index, distinctOf.get(c.index)?.distinct ?? new Float64Array(0)));
    // The column's values (in polars and their copy here) go before the next column's come.
    await releaseDropped();
  }
  return pairsOf(numeric).flatMap(([a, b]) => {
    const { pearson, spearman } = pairCorrelations(
      coded.get(a.index) as CodedColumn,
      coded.get(b.index) as CodedColumn,
    );
    return [
      ...(pearson.n >= 3 && Number.isFinite(pearson.r)
        ? [make(a.name, b.name, "pearson", pearson.r, pearson.n)]
        : []),
      ...(spearman.n >= 3 && Number.isFinite(spearman.r)
        ? [make(a.name, b.name, "spearman", spearman.r, spearman.n)]
        : []),
    ];
  });
}

interface CodedColumn {
  /** Index of each row's value among the sorted distinct values, −1 where missing. */
  codes: Int32Array;
  /** The column's distinct finite values, ascending. */
  distinct: Float64Array;
}

/** A numeric column's rows, from one query, as places among its sorted distinct values. */
function codedColumn(safe: pl.DataFrame, index: number, distinct: Float64Array): CodedColumn {
  const x = pl.col(alias(index)).cast(pl.Float64);
  const values = safe
    .select(pl.when(x.isFinite()).then(x).otherwise(pl.lit(Number.NaN)))
    .getColumn(alias(index))
    .toTypedArray() as Float64Array;
  return { codes: codesAmong(values, distinct), distinct };
}

/**
 * Index of each value among `distinct` (sorted, holding every finite value), −1 for NaN. A table
 * of equal-width buckets over the value range narrows each binary search to the distinct values
 * of one bucket: a plain binary search per row costs more than the whole correlation.
 */
function codesAmong(values: Float64Array, distinct: Float64Array): Int32Array {
  const codes = new Int32Array(values.length);
  const m = distinct.length;
  const lo = distinct[0] ?? 0;
  const range = (distinct[m - 1] ?? 0) - lo;
  const buckets = Math.max(1, Math.min(2 * m, 1 << 20));
  // A range no double holds (values near ±1.8e308) falls back to one bucket: a plain binary search.
  const scale = Number.isFinite(range) && range > 0 ? buckets / range : 0;
  const bucketOf = (v: number) => (scale === 0 ? 0 : Math.min(buckets - 1, Math.floor((v - lo) * scale)));
  // first[b]: index of the first distinct value in bucket b or later (monotone, as bucketOf is).
  const first = new Int32Array(buckets + 1).fill(m);
  for (let k = m - 1; k >= 0; k--) first[bucketOf(distinct[k] as number)] = k;
  for (let b = buckets - 1; b >= 0; b--) first[b] = Math.min(first[b] as number, first[b + 1] as number);
  for (let r = 0; r < values.length; r++) {
    const v = values[r] as number;
    if (Number.isNaN(v)) {
      codes[r] = -1;
      continue;
    }
    const b = bucketOf(v);
    let low = first[b] as number;
    let high = (first[b + 1] as number) - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((distinct[mid] as number) < v) low = mid + 1;
      else high = mid;
    }
    codes[r] = low;
  }
  return codes;
}

interface Correlation {
  r: number;
  /** Rows where both values are present. */
  n: number;
}

/**
 * Pearson's r of a pair's values and of their average ranks (Spearman), looked up by code on the
 * rows where both are present: one pass counts the rows and ranks, one more sums as
 * `pearsonPairwise` does (two-pass), without copying the values. The ranks' mean is (n + 1) / 2:
 * their sum, a sum of halves below 2^52, is exact, so it is what summing them would give.
 */
function pairCorrelations(x: CodedColumn, y: CodedColumn): { pearson: Correlation; spearman: Correlation } {
  const ranksX = new Float64Array(x.distinct.length);
  const ranksY = new Float64Array(y.distinct.length);
  const { codes: codesX, distinct: valuesX } = x;
  const { codes: codesY, distinct: valuesY } = y;
  let n = 0;
  let sumX = 0;
  let sumY = 0;
  for (let r = 0; r < codesX.length; r++) {
    const cx = codesX[r] as number;
    const cy = codesY[r] as number;
    if (cx < 0 || cy < 0) continue;
    n++;
    sumX += valuesX[cx] as number;
    sumY += valuesY[cy] as number;
    ranksX[cx] = (ranksX[cx] as number) + 1;
    ranksY[cy] = (ranksY[cy] as number) + 1;
  }
  averageRanksInPlace(ranksX);
  averageRanksInPlace(ranksY);
  const meanX = sumX / n;
  const meanY = sumY / n;
  const rankMean = (n + 1) / 2;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  let rxx = 0;
  let ryy = 0;
  let rxy = 0;
  for (let r = 0; r < codesX.length; r++) {
    const cx = codesX[r] as number;
    const cy = codesY[r] as number;
    if (cx < 0 || cy < 0) continue;
    const a = (valuesX[cx] as number) - meanX;
    const b = (valuesY[cy] as number) - meanY;
    xx += a * a;
    yy += b * b;
    xy += a * b;
    const ra = (ranksX[cx] as number) - rankMean;
    const rb = (ranksY[cy] as number) - rankMean;
    rxx += ra * ra;
    ryy += rb * rb;
    rxy += ra * rb;
  }
  return {
    pearson: { r: rFromCentredSums(xy, xx, yy), n },
    spearman: { r: rFromCentredSums(rxy, rxx, ryy), n },
  };
}

/** Counts per distinct value (ascending) turned into the average 1-based rank of each value's rows. */
function averageRanksInPlace(counts: Float64Array): void {
  let below = 0;
  for (let k = 0; k < counts.length; k++) {
    const count = counts[k] as number;
    counts[k] = below + (count + 1) / 2;
    below += count;
  }
}

/**
 * Cramér's V (no bias correction) for category pairs and the correlation ratio η for
 * numeric–category pairs, counted in JS over `sample` (already cut to the sample size).
 */
export function categoricalAssociations(
  sample: pl.DataFrame,
  columns: readonly AssociationColumn[],
): Association[] {
  const categorical = columns.filter((c) => c.role === "categorical");
  if (categorical.length === 0) return [];
  const numeric = columns.filter((c) => c.role === "numeric");
  const codes = categoryCodes(sample, categorical);
  const numbers = finiteValues(sample, numeric);
  const result: Association[] = [];
  for (const [a, b] of pairsOf(columns)) {
    if (a.role === "categorical" && b.role === "categorical") {
      const v = cramersV(codes.get(a.index) ?? [], codes.get(b.index) ?? []);
      if (v) result.push(make(a.name, b.name, "cramers_v", v.value, v.n));
      continue;
    }
    const [num, cat] = a.role === "numeric" ? [a, b] : [b, a];
    if (num.role !== "numeric" || cat.role !== "categorical") continue;
    const eta = correlationRatio(numbers.get(num.index) ?? [], codes.get(cat.index) ?? []);
    if (eta) result.push(make(a.name, b.name, "correlation_ratio", eta.value, eta.n));
  }
  return result;
}

/**
 * Per column, dense integer codes of its values as text, −1 for missing, from one query: polars
 * gives each text a category id (ids are shared by all columns, so they are renumbered here).
 */
function categoryCodes(sample: pl.DataFrame, columns: readonly AssociationColumn[]): Map<number, Int32Array> {
  const names = columns.map((c) => alias(c.index));
  const ids = sample.select(
    pl.cols(names).cast(pl.Utf8).cast(pl.Categorical).toPhysical().cast(pl.Float64).fillNull(-1),
  );
  return new Map(
    columns.map((c) => {
      const column = ids.getColumn(alias(c.index)).toTypedArray() as Float64Array;
      const codeOf = new Map<number, number>();
      const codes = new Int32Array(column.length);
      for (let r = 0; r < column.length; r++) {
        const id = column[r] as number;
        let code = id < 0 ? -1 : codeOf.get(id);
        if (code === undefined) {
          code = codeOf.size;
          codeOf.set(id, code);
        }
        codes[r] = code;
      }
      return [c.index, codes];
    }),
  );
}

/** Per column, its values as doubles with NaN where missing or not finite; one query. */
function finiteValues(
  sample: pl.DataFrame,
  columns: readonly AssociationColumn[],
): Map<number, Float64Array> {
  if (columns.length === 0) return new Map();
  const x = pl.cols(columns.map((c) => alias(c.index))).cast(pl.Float64);
  const values = sample.select(pl.when(x.isFinite()).then(x).otherwise(pl.lit(Number.NaN)));
  return new Map(
    columns.map((c) => [c.index, values.getColumn(alias(c.index)).toTypedArray() as Float64Array]),
  );
}

/** Codes as `categoryCodes` makes them: dense from 0, −1 for missing; their count is the largest + 1. */
function codeCount(codes: ArrayLike<number>): number {
  let max = -1;
  for (let r = 0; r < codes.length; r++) max = Math.max(max, codes[r] ?? -1);
  return max + 1;
}

/**
 * V = sqrt(χ² / (n · (min(r, c) − 1))) over rows where both are present. Codes are dense (as
 * `categoryCodes` makes them), so the table is a flat array, not a map per row.
 */
export function cramersV(a: ArrayLike<number>, b: ArrayLike<number>): { value: number; n: number } | null {
  const rows = codeCount(a);
  const cols = codeCount(b);
  const table = new Float64Array(rows * cols);
  const rowTotals = new Float64Array(rows);
  const colTotals = new Float64Array(cols);
  let n = 0;
  for (let r = 0; r < a.length; r++) {
    const x = a[r] ?? -1;
    const y = b[r] ?? -1;
    if (x < 0 || y < 0) continue;
    n++;
    table[x * cols + y] = (table[x * cols + y] as number) + 1;
    rowTotals[x] = (rowTotals[x] as number) + 1;
    colTotals[y] = (colTotals[y] as number) + 1;
  }
  const k = Math.min(rowTotals.filter((t) => t > 0).length, colTotals.filter((t) => t > 0).length);
  if (n === 0 || k < 2) return null;
  let chi2 = 0;
  for (let x = 0; x < rows; x++) {
    const rowTotal = rowTotals[x] as number;
    if (rowTotal === 0) continue;
    for (let y = 0; y < cols; y++) {
      const colTotal = colTotals[y] as number;
      if (colTotal === 0) continue;
      const expected = (rowTotal * colTotal) / n;
      chi2 += ((table[x * cols + y] as number) - expected) ** 2 / expected;
    }
  }
  const value = Math.sqrt(chi2 / (n * (k - 1)));
  return Number.isFinite(value) ? { value: Math.min(1, value), n } : null;
}

/**
 * η = sqrt(between-group sum of squares / total sum of squares), over rows where both are present.
 * Groups are dense codes (as `categoryCodes` makes them); NaN or null values count as missing.
 */
export function correlationRatio(
  values: ArrayLike<number | null>,
  groups: ArrayLike<number>,
): { value: number; n: number } | null {
  const k = codeCount(groups);
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  let total = 0;
  let n = 0;
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    const g = groups[r] ?? -1;
    if (v === null || v === undefined || !Number.isFinite(v) || g < 0) continue;
    sums[g] = (sums[g] as number) + v;
    counts[g] = (counts[g] as number) + 1;
    total += v;
    n++;
  }
  if (n < 3 || counts.filter((c) => c > 0).length < 2) return null;
  const mean = total / n;
  let ssTotal = 0;
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    const g = groups[r] ?? -1;
    if (v === null || v === undefined || !Number.isFinite(v) || g < 0) continue;
    ssTotal += (v - mean) ** 2;
  }
  let ssBetween = 0;
  for (let g = 0; g < k; g++) {
    const count = counts[g] as number;
    if (count > 0) ssBetween += count * ((sums[g] as number) / count - mean) ** 2;
  }
  if (ssTotal <= 0) return null;
  return { value: Math.min(1, Math.sqrt(ssBetween / ssTotal)), n };
}

function pairsOf<T>(items: readonly T[]): [T, T][] {
  const pairs: [T, T][] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) pairs.push([items[i] as T, items[j] as T]);
  }
  return pairs;
}

function make(x: string, y: string, method: Association["method"], value: number, n: number): Association {
  return { id: associationId(x, y, method), x, y, method, value, n };
}
