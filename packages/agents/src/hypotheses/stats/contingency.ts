import { chi2UpperP, gammaln, noncentralChi2Cdf, noncentralityCi } from "./distributions.js";
import type { StatTest } from "./stat-test.js";

/** A contingency table of counts, rows × columns, without empty rows or columns. */
export type Table = number[][];

export function expectedCounts(table: Table): number[][] {
  const rowTotals = table.map((row) => row.reduce((s, v) => s + v, 0));
  const colTotals = (table[0] ?? []).map((_, j) => table.reduce((s, row) => s + (row[j] as number), 0));
  const n = rowTotals.reduce((s, v) => s + v, 0);
  return rowTotals.map((r) => colTotals.map((c) => (r * c) / n));
}

function pearsonChi2(table: Table, expected: number[][], yates: boolean): number {
  let x2 = 0;
  table.forEach((row, i) => {
    row.forEach((observed, j) => {
      const e = (expected[i] as number[])[j] as number;
      const diff = Math.abs(observed - e);
      const d = yates ? diff - Math.min(0.5, diff) : diff;
      x2 += (d * d) / e;
    });
  });
  return x2;
}

/**
 * Bias-corrected Cramér's V (Bergsma 2013) from the uncorrected Pearson X². The 95% CI inverts the
 * noncentral chi-square for λ (Smithson 2003) and maps it as V = sqrt(λ / (n·(min(r,c) − 1))).
 */
function cramersV(table: Table, x2: number) {
  const r = table.length;
  const c = (table[0] as number[]).length;
  const n = table.flat().reduce((s, v) => s + v, 0);
  const df = (r - 1) * (c - 1);
  const phi2 = Math.max(0, x2 / n - df / (n - 1));
  const rc = r - (r - 1) ** 2 / (n - 1);
  const cc = c - (c - 1) ** 2 / (n - 1);
  const denominator = Math.min(rc - 1, cc - 1);
  const value = denominator > 0 ? Math.min(1, Math.sqrt(phi2 / denominator)) : 0;
  const ci = noncentralityCi((lambda) => noncentralChi2Cdf(x2, df, lambda));
  const scale = n * (Math.min(r, c) - 1);
  const ci95: [number, number] | null = ci && [
    Math.min(1, Math.sqrt(ci[0] / scale)),
    Math.min(1, Math.sqrt(ci[1] / scale)),
  ];
  return { name: "cramers_v_bias_corrected", value, ci95 };
}

/**
 * Pearson's chi-square test of independence (scipy.stats.chi2_contingency, with Yates' continuity
 * correction when df = 1 as scipy does by default).
 */
export function chi2Independence(table: Table): StatTest {
  const expected = expectedCounts(table);
  const df = (table.length - 1) * ((table[0] as number[]).length - 1);
  const x2 = pearsonChi2(table, expected, df === 1);
  return {
    name: "chi2_independence",
    statistic: x2,
    df,
    pValue: chi2UpperP(x2, df),
    effectSize: cramersV(table, pearsonChi2(table, expected, false)),
    n: table.flat().reduce((s, v) => s + v, 0),
    note: df === 1 ? "Yates' continuity correction applied" : undefined,
  };
}

/**
 * Fisher's exact test for a 2×2 table, two-sided by summing all tables no more likely than the observed
 * one (scipy.stats.fisher_exact). The statistic is the sample odds ratio; when a cell is zero it is the
 * Haldane–Anscombe estimate (0.5 added to every cell), said in the note.
 */
export function fisherExact(table: Table): StatTest {
  const [[a, b], [c, d]] = table as [[number, number], [number, number]];
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  const logChoose = (k: number, r: number) => gammaln(k + 1) - gammaln(r + 1) - gammaln(k - r + 1);
  const logP = (x: number) => logChoose(col1, x) + logChoose(n - col1, row1 - x) - logChoose(n, row1);
  const observed = logP(a);
  let pValue = 0;
  for (let x = Math.max(0, row1 + col1 - n); x <= Math.min(row1, col1); x++) {
    const lp = logP(x);
    if (lp <= observed + 1e-7) pValue += Math.exp(lp);
  }
  const haldane = a * b * c * d === 0;
  const oddsRatio = haldane ? ((a + 0.5) * (d + 0.5)) / ((b + 0.5) * (c + 0.5)) : (a * d) / (b * c);
  return {
    name: "fisher_exact",
    statistic: oddsRatio,
    pValue: Math.min(1, pValue),
    effectSize: cramersV(table, pearsonChi2(table, expectedCounts(table), false)),
    n,
    note: haldane ? "odds ratio with Haldane–Anscombe correction (a cell is zero)" : undefined,
  };
}
