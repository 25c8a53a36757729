import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { benjaminiHochberg } from "./benjamini-hochberg.js";
import { chi2Independence, fisherExact } from "./contingency.js";
import { kendallTau, pearsonR, spearmanRho } from "./correlation.js";
import { anovaOneway, kruskalWallis, leveneMedian, welchAnova } from "./k-sample.js";
import { LONGLEY } from "./longley.fixture.js";
import { mannKendall } from "./mann-kendall.js";
import { ols } from "./ols.js";
import { shapiroWilk } from "./shapiro-wilk.js";
import { mannWhitneyU, studentT, welchT } from "./two-sample.js";

const a = [5.1, 4.9, 6.2, 5.8, 6.0, 5.5, 5.3, 6.4, 5.9, 5.0];
const b = [6.3, 6.9, 7.1, 6.5, 7.4, 6.0, 6.8, 7.2, 7.7, 6.6, 7.0];
const c = [5.5, 6.1, 5.9, 6.8, 6.2, 6.0, 5.7, 6.4];
const x = Array.from({ length: 30 }, (_, i) => i + 1);
const y = [
  1.54, 3.46, 2.49, -1.91, 5.22, 4.34, 1.89, 5.74, 5.59, 5.88, 5.59, 7.64, 4.29, 6.51, 6.05, 9.8, 8.62, 8.12,
  7.15, 9.23, 10.52, 10.17, 15.38, 15.02, 4.37, 7.33, 12.98, 12.73, 15.14, 15.65,
];

/** Relative closeness: `digits` significant digits agree. */
function expectClose(actual: number, expected: number, digits = 9) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * 10 ** -digits + 1e-300);
}

describe("two-sample tests (expected: scipy 1.10.1 stats.ttest_ind / mannwhitneyu)", () => {
  it("welch_t", () => {
    const r = welchT(a, b);
    expectClose(r.statistic, -5.612780504576523);
    expectClose(r.pValue, 2.2659959394163544e-5, 7);
  });
  it("student_t", () => {
    const r = studentT(a, b);
    expectClose(r.statistic, -5.6300921130124175);
    expectClose(r.pValue, 1.985632767108719e-5, 7);
    expect(r.df).toBe(19);
  });
  it("mann_whitney_u (method='asymptotic')", () => {
    const r = mannWhitneyU(a, b);
    expect(r.statistic).toBe(3.5);
    expectClose(r.pValue, 0.00032754780141300716, 7);
    expect(r.effectSize?.value).toBeCloseTo((2 * 3.5) / 110 - 1, 12);
  });
});

describe("k-sample tests", () => {
  it("anova_oneway (scipy stats.f_oneway)", () => {
    const r = anovaOneway([a, b, c]);
    expectClose(r.statistic, 18.028768578806247);
    expectClose(r.pValue, 1.225531718081371e-5, 7);
    const ci = r.effectSize?.ci95 as [number, number];
    expect(ci[0]).toBeLessThan(r.effectSize?.value as number);
    expect(ci[1]).toBeGreaterThan(r.effectSize?.value as number);
  });
  it("welch_anova (statsmodels 0.13.5 oneway.anova_oneway(use_var='unequal'))", () => {
    const r = welchAnova([a, b, c]);
    expectClose(r.statistic, 15.931353405787213);
    expectClose(r.pValue, 0.000125297226790209, 7);
    expectClose((r.df as [number, number])[1], 17.052162067985055);
    // omega² from that F and df by R effectsize::F_to_omega2's formula (F-1)·df1/(F·df1+df2+1).
    expect(r.effectSize?.name).toBe("omega_squared");
    expectClose(r.effectSize?.value as number, 0.598272768854321);
  });
  it("kruskal_wallis (scipy stats.kruskal)", () => {
    const r = kruskalWallis([a, b, c]);
    expectClose(r.statistic, 16.786671080092454);
    expectClose(r.pValue, 0.00022637094831187243, 7);
  });
  it("levene, Brown–Forsythe (scipy stats.levene(center='median'))", () => {
    const r = leveneMedian([a, b, c]);
    expectClose(r.statistic, 0.7319468464334882);
    expectClose(r.pValue, 0.49062096460475674, 7);
  });
});

describe("shapiro_wilk (scipy stats.shapiro, which computes in float32: 6 digits)", () => {
  it("matches on n = 10 and n = 11", () => {
    expectClose(shapiroWilk(a).statistic, 0.9453620314598083, 6);
    expectClose(shapiroWilk(a).pValue, 0.6140612363815308, 4);
    expectClose(shapiroWilk(b).statistic, 0.9957872629165649, 6);
    expectClose(shapiroWilk(b).pValue, 0.9999517202377319, 4);
  });
});

describe("correlations (scipy stats.pearsonr / spearmanr / kendalltau(method='asymptotic'))", () => {
  it("pearson_r", () => {
    const r = pearsonR(x, y);
    expectClose(r.statistic, 0.8374972253880051);
    expectClose(r.pValue, 7.884124103031094e-9, 7);
  });
  it("spearman_rho", () => {
    const r = spearmanRho(x, y);
    expectClose(r.statistic, 0.8532651070710453);
    expectClose(r.pValue, 2.0928318208950007e-9, 7);
  });
  it("kendall_tau (tau-b)", () => {
    const r = kendallTau(x, y);
    expectClose(r.statistic, 0.7042582338458071);
    expectClose(r.pValue, 4.755327243353334e-8, 7);
  });
});

describe("mann_kendall (R 4.2 cor.test(method='kendall', exact=FALSE, continuity=TRUE))", () => {
  it("matches z and p", () => {
    const r = mannKendall(x, y);
    expect(r.note).toBe(`z = ${(5.44238068638671).toPrecision(4)}`);
    expectClose(r.pValue, 5.25731728954166e-8, 7);
  });
});

describe("contingency tests (scipy stats.chi2_contingency / fisher_exact)", () => {
  it("chi2_independence 2×2 with Yates' correction", () => {
    const r = chi2Independence([
      [12, 5],
      [7, 15],
    ]);
    expectClose(r.statistic, 4.322120391218687);
    expectClose(r.pValue, 0.03762001663483994, 7);
  });
  it("chi2_independence 2×3", () => {
    const r = chi2Independence([
      [20, 15, 5],
      [10, 25, 30],
    ]);
    expectClose(r.statistic, 18.80408653846154);
    expectClose(r.pValue, 8.25552105856662e-5, 7);
    const v = r.effectSize?.value as number;
    const [lo, hi] = r.effectSize?.ci95 ?? [Number.NaN, Number.NaN];
    expect(lo).toBeLessThan(v);
    expect(hi).toBeGreaterThan(v);
  });
  it("fisher_exact", () => {
    const r = fisherExact([
      [3, 9],
      [8, 2],
    ]);
    expectClose(r.statistic, 0.08333333333333333);
    expectClose(r.pValue, 0.029973122852379817, 7);
  });
});

describe("ols on NIST StRD Longley", () => {
  // Certified values: NIST Statistical Reference Datasets, Linear Regression, "Longley"
  // (https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml), order b0..b6.
  const certified = {
    estimates: [
      -3482258.63459582, 15.0618722713733, -0.35819179292591e-1, -2.02022980381683, -1.03322686717359,
      -0.511041056535807e-1, 1829.15146461355,
    ],
    stdErrors: [
      890420.383607373, 84.9149257747669, 0.334910077722432e-1, 0.488399681651699, 0.214274163161675,
      0.22607320006937, 455.478499142212,
    ],
    r2: 0.995479004577296,
  };
  it("matches the certified coefficients, standard errors and R² to 7 significant digits", () => {
    const names = ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"];
    const design = names.map((term, j) => ({ term, values: LONGLEY.map((row) => row[j + 1] as number) }));
    const fit = ols(
      design,
      LONGLEY.map((row) => row[0] as number),
    );
    fit.coefficients?.forEach((coefficient, j) => {
      expectClose(coefficient.estimate, certified.estimates[j] as number, 7);
      expectClose(coefficient.stdError, certified.stdErrors[j] as number, 7);
    });
    expectClose(fit.r2 as number, certified.r2, 7);
    // statsmodels 0.13.5 OLS(...).fit().fvalue
    expectClose(fit.statistic, 330.285339234273, 7);
  });
});

describe("benjamini–hochberg (statsmodels multipletests(method='fdr_bh'))", () => {
  it("matches", () => {
    const adjusted = benjaminiHochberg([0.01, 0.04, 0.03, 0.2, 0.5]);
    [0.05, 0.0666666666666667, 0.0666666666666667, 0.25, 0.5].forEach((e, i) => {
      expectClose(adjusted[i] as number, e, 12);
    });
  });
});

describe("benjamini–hochberg properties (fast-check)", () => {
  it("adjusted p is ≥ raw, ≤ 1 and keeps the order of the raw p-values", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (ps) => {
          const adjusted = benjaminiHochberg(ps);
          ps.forEach((p, i) => {
            expect(adjusted[i]).toBeGreaterThanOrEqual(p);
            expect(adjusted[i]).toBeLessThanOrEqual(1);
            ps.forEach((q, j) => {
              if (p <= q) expect(adjusted[i]).toBeLessThanOrEqual(adjusted[j] as number);
            });
          });
        },
      ),
    );
  });
});
