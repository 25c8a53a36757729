import { describe, expect, it } from "vitest";
import { checkSentence, indexResults, sentences, writtenNumbers } from "./grounding.js";

const results = {
  overview: { id: "profile:overview", rows: 12345, columns: 7 },
  tests: [
    { id: "h1.welch_t", statistic: 4.56789, pValue: 0.00002, effectSize: { name: "cohen_d", value: 0.4567 } },
    { id: "h2.pearson_r", statistic: -0.8123, pValue: 0.0312, n: 344 },
  ],
  hypotheses: [{ id: "h3", conclusion: "Mean body mass differs by 1,200 g between species." }],
  columns: [{ id: "column:q3_sales", name: "q3_sales", topValues: [{ value: "2019 model", count: 5 }] }],
};
const index = indexResults(results, "results");
const check = (sentence: string) => checkSentence(sentence, index, 0.05);

describe("writtenNumbers", () => {
  it("reads separators, percents, exponents and bounds", () => {
    const found = writtenNumbers(
      "12,345 rows; 45.7%; 1.2e-5; 3 × 10^-4; p < .001; h1 and 2nd are not numbers",
    );
    expect(found.map((n) => [n.value, n.percent, n.bound ?? null])).toEqual([
      [12345, false, null],
      [45.7, true, null],
      [1.2e-5, false, null],
      [3e-4, false, null],
      [0.001, false, "<"],
    ]);
  });
});

describe("checkSentence", () => {
  it("grounds rounded, percent, negative and thousands forms in the results they came from", () => {
    expect(check("The effect size is 0.46 (45.7% of a standard deviation).")).toEqual({
      grounded: true,
      resultIds: ["h1.welch_t"],
      unmatched: [],
    });
    expect(check("There are 12,345 rows and 7 columns.").grounded).toBe(true);
    expect(check("Flipper length and mass move apart (r = -0.81, n = 344, p = 0.031).").resultIds).toEqual([
      "h2.pearson_r",
    ]);
    expect(check("Masses differ by about 1,200 g.").resultIds).toEqual(["h3"]);
  });

  it("accepts conventional bounds and confidence levels", () => {
    expect(check("The difference is significant (p < 0.001, 95% CI).").grounded).toBe(true);
    expect(check("Below the 5% level.").grounded).toBe(true);
  });

  it("does not read digits in column names and data labels as numbers", () => {
    expect(check("q3_sales is most often 2019 model.").grounded).toBe(true);
  });

  it("catches an invented number, and more precision than was computed", () => {
    expect(check("Sales grew by 37% last year.")).toMatchObject({ grounded: false, unmatched: ["37%"] });
    expect(check("The effect size is 0.4599.").grounded).toBe(false);
  });
});

describe("sentences", () => {
  it("does not split inside decimals", () => {
    expect(sentences("The mean is 4.5 kg. It varies. 12 rows repeat.")).toEqual([
      "The mean is 4.5 kg.",
      "It varies.",
      "12 rows repeat.",
    ]);
  });
});
