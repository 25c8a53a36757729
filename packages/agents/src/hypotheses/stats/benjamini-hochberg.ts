/** Benjamini–Hochberg adjusted p-values (step-up, monotone, capped at 1), as statsmodels fdr_bh. */
export function benjaminiHochberg(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => (pValues[b] as number) - (pValues[a] as number));
  const adjusted = new Array<number>(m);
  let running = 1;
  order.forEach((index, position) => {
    const rankFromTop = m - position;
    running = Math.min(running, ((pValues[index] as number) * m) / rankFromTop);
    // Never below the raw p, which rounding of p·m/m could otherwise produce.
    adjusted[index] = Math.max(pValues[index] as number, running);
  });
  return adjusted;
}
