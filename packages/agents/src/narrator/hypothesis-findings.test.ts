import type { HypothesisResult, TestResult } from "@assay/contracts";
import { describe, expect, it } from "vitest";
import { effectStrength, hypothesisFinding, rankHypotheses } from "./hypothesis-findings.js";

function hypothesis(id: string, test: Partial<TestResult>): HypothesisResult {
  return {
    id,
    spec: { kind: "association", x: "x", y: "y" },
    source: "planner",
    statement: `${id} statement`,
    status: "tested",
    tests: [
      {
        id: `${id}.pearson_r`,
        name: "pearson_r",
        statistic: 0,
        pValue: 0.5,
        n: 50,
        role: "primary",
        ...test,
      },
    ],
    conclusion: "",
    caveats: [],
  };
}

describe("hypothesis findings", () => {
  it("rank significant results first, then by effect strength on one scale", () => {
    const weakButSignificant = hypothesis("h1", {
      pAdjusted: 0.01,
      effectSize: { name: "pearson_r", value: 0.2, ci95: null },
    });
    const strongNotSignificant = hypothesis("h2", {
      pAdjusted: 0.2,
      effectSize: { name: "pearson_r", value: 0.9, ci95: null },
    });
    // η² 0.49 is a correlation of 0.7: stronger than r = 0.2.
    const strongSignificant = hypothesis("h3", {
      pAdjusted: 0.001,
      effectSize: { name: "eta_squared", value: 0.49, ci95: null },
    });
    const ranked = rankHypotheses([weakButSignificant, strongNotSignificant, strongSignificant], 0.05);
    expect(ranked.map((h) => h.id)).toEqual(["h3", "h1", "h2"]);
    expect(effectStrength(strongSignificant.tests[0] as TestResult)).toBeCloseTo(0.7, 12);
    // Hedges' g = 2 is the point-biserial r = 2/√8.
    expect(
      effectStrength({
        ...(weakButSignificant.tests[0] as TestResult),
        effectSize: { name: "hedges_g", value: -2, ci95: null },
      }),
    ).toBeCloseTo(2 / Math.sqrt(8), 12);
  });

  it("cite the primary test and take every number from it", () => {
    const h = hypothesis("h4", {
      statistic: -0.5,
      df: 48,
      pValue: 0.0002,
      pAdjusted: 0.0004,
      effectSize: { name: "pearson_r", value: -0.5, ci95: [-0.68, -0.26] },
    });
    expect(hypothesisFinding(h, 0.05)).toEqual({
      text: "h4 statement: supported by pearson_r (statistic -0.5, df 48, adjusted p < 0.001; pearson_r = -0.5 (95% CI -0.68 to -0.26), n = 50).",
      resultIds: ["h4.pearson_r"],
      author: "deterministic",
    });
  });
});
