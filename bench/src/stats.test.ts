import { describe, expect, it } from "vitest";
import { percentile, summarize } from "./stats.js";

// Expected values from numpy 1.24: np.percentile([...], p) with the default linear method.
describe("percentile", () => {
  it("interpolates between closest ranks like numpy", () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 40)).toBe(29);
    expect(percentile(values, 99)).toBeCloseTo(49.6, 10);
    expect(percentile([3, 1, 2, 4], 50)).toBe(2.5);
  });

  it("clamps p and answers NaN for no values", () => {
    expect(percentile([1, 2, 3], 150)).toBe(3);
    expect(percentile([1, 2, 3], -5)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it("does not reorder its input", () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("summarize", () => {
  it("gives the median and the spread", () => {
    expect(summarize([4, 1, 9])).toEqual({ median: 4, min: 1, max: 9, runs: 3 });
  });
});
