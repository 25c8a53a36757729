/**
 * Pearson's r over the pairs where both values are present (NaN marks a missing one), two-pass for
 * accuracy and clamped to [−1, 1] against rounding, with the number of those pairs. NaN when a side
 * is constant. Imports nothing, so the lean profile entry can use it too.
 */
export function pearsonPairwise(x: ArrayLike<number>, y: ArrayLike<number>): { r: number; n: number } {
  let n = 0;
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i] as number;
    const b = y[i] as number;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    n++;
    sumX += a;
    sumY += b;
  }
  const meanX = sumX / n;
  const meanY = sumY / n;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = (x[i] as number) - meanX;
    const b = (y[i] as number) - meanY;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    xx += a * a;
    yy += b * b;
    xy += a * b;
  }
  return { r: rFromCentredSums(xy, xx, yy), n };
}

/** r from the centred sums, clamped to [−1, 1] against rounding; NaN when a side is constant. */
export function rFromCentredSums(xy: number, xx: number, yy: number): number {
  return Math.max(-1, Math.min(1, xy / Math.sqrt(xx * yy)));
}
