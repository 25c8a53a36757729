import type { Finding, HypothesisResult, TestResult } from "@assay/contracts";
import { fmt } from "../eda/finite.js";

/** Hypothesis results the summary leads with, at most. */
export const MAX_HYPOTHESIS_FINDINGS = 3;

export function primaryTest(h: HypothesisResult): TestResult | undefined {
  return h.tests.find((t) => t.role === "primary");
}

/**
 * An effect size on a common 0–1 scale of correlation, so results of different tests can be ranked:
 * variance shares (η², ε², R²) by their square root, Hedges' g as the point-biserial r it implies.
 */
export function effectStrength(test: TestResult): number {
  const effect = test.effectSize;
  if (!effect) return 0;
  const v = Math.abs(effect.value);
  if (/squared/.test(effect.name)) return Math.sqrt(Math.min(1, v));
  if (effect.name === "hedges_g") return v / Math.sqrt(v * v + 4);
  return Math.min(1, v);
}

export function formatPValue(p: number): string {
  return p < 0.001 ? "< 0.001" : `= ${fmt(p, 3)}`;
}

/** Significant after adjustment first, then by effect strength, then by adjusted p. */
export function rankHypotheses(hypotheses: readonly HypothesisResult[], alpha: number): HypothesisResult[] {
  const key = (h: HypothesisResult) => {
    const t = primaryTest(h);
    const p = t?.pAdjusted ?? t?.pValue ?? 1;
    return { significant: p < alpha ? 0 : 1, strength: t ? effectStrength(t) : 0, p };
  };
  return hypotheses
    .filter((h) => h.status === "tested" && primaryTest(h))
    .map((h) => ({ h, k: key(h) }))
    .sort((a, b) => a.k.significant - b.k.significant || b.k.strength - a.k.strength || a.k.p - b.k.p)
    .map(({ h }) => h);
}

/** One sentence per hypothesis whose numbers all come from its primary test (the id it cites). */
export function hypothesisFinding(h: HypothesisResult, alpha: number): Omit<Finding, "id"> | null {
  const t = primaryTest(h);
  if (!t) return null;
  const p = t.pAdjusted ?? t.pValue;
  const verdict = p < alpha ? "supported" : "not supported";
  const df =
    t.df === undefined
      ? ""
      : `, df ${Array.isArray(t.df) ? t.df.map((d) => fmt(d, 1)).join(", ") : fmt(t.df, 1)}`;
  const effect = t.effectSize
    ? `; ${t.effectSize.name} = ${fmt(t.effectSize.value)}${t.effectSize.ci95 ? ` (95% CI ${fmt(t.effectSize.ci95[0])} to ${fmt(t.effectSize.ci95[1])})` : ""}`
    : "";
  return {
    text: `${h.statement}: ${verdict} by ${t.name} (statistic ${fmt(t.statistic)}${df}, adjusted p ${formatPValue(p)}${effect}, n = ${fmt(t.n)}).`,
    resultIds: [t.id],
    author: "deterministic",
  };
}
