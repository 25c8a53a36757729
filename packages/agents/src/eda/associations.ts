import type { Association } from "@assay/contracts";
import pl from "nodejs-polars";
import { finiteOrNull } from "./finite.js";
import { alias, selectRow } from "./safe-frame.js";

export interface AssociationColumn {
  index: number;
  name: string;
  role: "numeric" | "categorical";
}

export function associationId(x: string, y: string, method: Association["method"]): string {
  return `assoc:${x}~${y}:${method}`;
}

/**
 * Pearson and Spearman of every numeric pair in one query. Non-finite values become missing first;
 * polars then drops rows where either value is missing (pairwise deletion, as scipy on complete pairs).
 */
export function numericAssociations(
  safe: pl.DataFrame,
  columns: readonly AssociationColumn[],
): Association[] {
  const numeric = columns.filter((c) => c.role === "numeric");
  if (numeric.length < 2) return [];
  const x = pl.cols(numeric.map((c) => alias(c.index))).cast(pl.Float64);
  const finite = safe.select(pl.when(x.isFinite()).then(x).otherwise(pl.lit(null)));
  const pairs = pairsOf(numeric);
  // Every polars expression object costs ~0.5 ms to build in nodejs-polars: reuse one per column.
  const columnExprs = new Map(numeric.map((c) => [c.index, pl.col(alias(c.index))]));
  const col = (c: AssociationColumn) => columnExprs.get(c.index) as pl.Expr;
  const row = selectRow(
    finite,
    pairs.flatMap(([a, b], k) => [
      pl.pearsonCorr(col(a), col(b)).alias(`${k}:pearson`),
      pl.spearmanRankCorr(col(a), col(b)).alias(`${k}:spearman`), // average ranks, as scipy
    ]),
  );
  const pairCount = completePairCounter(finite, numeric);
  return pairs.flatMap(([a, b], k) => {
    const n = pairCount(a.index, b.index);
    return (["pearson", "spearman"] as const).flatMap((method) => {
      const value = finiteOrNull(row[`${k}:${method}`]);
      return value === null || n < 3 ? [] : [make(a.name, b.name, method, value, n)];
    });
  });
}

/** Rows where both columns are present, from each column's missing mask (only columns with gaps are read). */
function completePairCounter(
  frame: pl.DataFrame,
  columns: readonly AssociationColumn[],
): (a: number, b: number) => number {
  const rows = frame.height;
  const masks = new Map<number, Uint8Array>();
  for (const c of columns) {
    const series = frame.getColumn(alias(c.index));
    if (series.nullCount() > 0)
      masks.set(c.index, Uint8Array.from(series.isNull().toArray() as boolean[], Number));
  }
  return (a, b) => {
    const ma = masks.get(a);
    const mb = masks.get(b);
    if (!ma && !mb) return rows;
    let missing = 0;
    for (let r = 0; r < rows; r++) missing += (ma?.[r] ?? 0) | (mb?.[r] ?? 0);
    return rows - missing;
  };
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
  const codes = new Map(categorical.map((c) => [c.index, categoryCodes(sample, c.index)]));
  const numbers = new Map(
    columns
      .filter((c) => c.role === "numeric")
      .map((c) => [
        c.index,
        sample.getColumn(alias(c.index)).cast(pl.Float64).toArray() as (number | null)[],
      ]),
  );
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

/** Integer codes of a column's values (−1 for missing). */
function categoryCodes(sample: pl.DataFrame, index: number): Int32Array {
  const values = sample.getColumn(alias(index)).cast(pl.Utf8).toArray() as (string | null)[];
  const codeOf = new Map<string, number>();
  const codes = new Int32Array(values.length);
  values.forEach((v, r) => {
    if (v === null) {
      codes[r] = -1;
      return;
    }
    let code = codeOf.get(v);
    if (code === undefined) {
      code = codeOf.size;
      codeOf.set(v, code);
    }
    codes[r] = code;
  });
  return codes;
}

/** V = sqrt(χ² / (n · (min(r, c) − 1))) over rows where both are present. */
export function cramersV(a: ArrayLike<number>, b: ArrayLike<number>): { value: number; n: number } | null {
  const table = new Map<number, Map<number, number>>();
  const rowTotals = new Map<number, number>();
  const colTotals = new Map<number, number>();
  let n = 0;
  for (let r = 0; r < a.length; r++) {
    const x = a[r] ?? -1;
    const y = b[r] ?? -1;
    if (x < 0 || y < 0) continue;
    n++;
    const row = table.get(x) ?? new Map<number, number>();
    row.set(y, (row.get(y) ?? 0) + 1);
    table.set(x, row);
    rowTotals.set(x, (rowTotals.get(x) ?? 0) + 1);
    colTotals.set(y, (colTotals.get(y) ?? 0) + 1);
  }
  const k = Math.min(rowTotals.size, colTotals.size);
  if (n === 0 || k < 2) return null;
  let chi2 = 0;
  for (const [x, rowTotal] of rowTotals) {
    for (const [y, colTotal] of colTotals) {
      const expected = (rowTotal * colTotal) / n;
      const observed = table.get(x)?.get(y) ?? 0;
      chi2 += (observed - expected) ** 2 / expected;
    }
  }
  const value = Math.sqrt(chi2 / (n * (k - 1)));
  return Number.isFinite(value) ? { value: Math.min(1, value), n } : null;
}

/** η = sqrt(between-group sum of squares / total sum of squares), over rows where both are present. */
export function correlationRatio(
  values: ArrayLike<number | null>,
  groups: ArrayLike<number>,
): { value: number; n: number } | null {
  const sums = new Map<number, { sum: number; count: number }>();
  let total = 0;
  let n = 0;
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    const g = groups[r] ?? -1;
    if (v === null || v === undefined || !Number.isFinite(v) || g < 0) continue;
    const s = sums.get(g) ?? { sum: 0, count: 0 };
    s.sum += v;
    s.count++;
    sums.set(g, s);
    total += v;
    n++;
  }
  if (n < 3 || sums.size < 2) return null;
  const mean = total / n;
  let ssTotal = 0;
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    const g = groups[r] ?? -1;
    if (v === null || v === undefined || !Number.isFinite(v) || g < 0) continue;
    ssTotal += (v - mean) ** 2;
  }
  let ssBetween = 0;
  for (const { sum, count } of sums.values()) ssBetween += count * (sum / count - mean) ** 2;
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
