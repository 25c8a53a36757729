import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "./latency-histogram.js";
import { percentile } from "./stats.js";

describe("LatencyHistogram", () => {
  it("gives the same percentiles as the samples themselves", () => {
    const samples = [15, 20, 35, 40, 50, 3, 3, 7, 1000, 0];
    const histogram = new LatencyHistogram();
    for (const ms of samples) histogram.record(ms);
    for (const p of [0, 10, 40, 50, 90, 99, 100])
      expect(histogram.percentile(p)).toBe(percentile(samples, p));
  });

  it("merges counts shipped as pairs, and clamps negative and huge latencies", () => {
    const one = new LatencyHistogram();
    one.record(-4);
    one.record(10);
    const merged = new LatencyHistogram();
    merged.addPairs(one.toPairs());
    merged.record(1e9);
    expect(merged.total).toBe(3);
    expect(merged.percentile(0)).toBe(0);
    expect(merged.percentile(50)).toBe(10);
    expect(merged.percentile(100)).toBe(120_000);
    expect(new LatencyHistogram().percentile(50)).toBeNaN();
  });
});
