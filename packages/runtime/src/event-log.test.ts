import { describe, expect, it } from "vitest";
import { compareStreamIds } from "./event-log.js";

describe("compareStreamIds", () => {
  it("orders by milliseconds, then by sequence, numerically", () => {
    expect(compareStreamIds("1700000000000-0", "1700000000001-0")).toBeLessThan(0);
    expect(compareStreamIds("1700000000001-0", "1700000000000-9")).toBeGreaterThan(0);
    expect(compareStreamIds("1700000000000-10", "1700000000000-9")).toBeGreaterThan(0);
    expect(compareStreamIds("1700000000000-3", "1700000000000-3")).toBe(0);
    expect(compareStreamIds("999-0", "1000-0")).toBeLessThan(0);
  });

  it("reads a bare milliseconds id (the stream's start, '0') as sequence 0", () => {
    expect(compareStreamIds("0", "0-0")).toBe(0);
    expect(compareStreamIds("0", "1-0")).toBeLessThan(0);
    expect(compareStreamIds("5-1", "5")).toBeGreaterThan(0);
  });
});
