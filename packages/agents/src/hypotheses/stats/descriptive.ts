export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/** Sample variance (n - 1 denominator), two-pass for accuracy. */
export function variance(values: ArrayLike<number>): number {
  const m = mean(values);
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const d = (values[i] as number) - m;
    ss += d * d;
  }
  return ss / (values.length - 1);
}

export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface Ranking {
  /** Average ranks, 1-based, in the input order. */
  ranks: Float64Array;
  /** Sizes of the groups of tied values (only groups larger than one). */
  ties: number[];
}

export function rank(values: ArrayLike<number>): Ranking {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (values[a] as number) - (values[b] as number),
  );
  const ranks = new Float64Array(n);
  const ties: number[] = [];
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end] as number] === values[order[start] as number]) end++;
    const averageRank = (start + end + 1) / 2;
    for (let k = start; k < end; k++) ranks[order[k] as number] = averageRank;
    if (end - start > 1) ties.push(end - start);
    start = end;
  }
  return { ranks, ties };
}

/** Σ (t³ - t) over tie groups: the tie correction shared by rank tests. */
export function tieSum(ties: number[]): number {
  return ties.reduce((s, t) => s + t * t * t - t, 0);
}
