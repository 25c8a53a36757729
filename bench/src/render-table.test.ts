import { describe, expect, it } from "vitest";
import { formatSummary, renderMarkdown } from "./render-table.js";
import { type BenchResults, ratioOf } from "./result.js";

const machine = {
  cpuModel: "Test CPU",
  cores: 2,
  memoryGiB: 24,
  node: "20.20.2",
  kernel: "6.1.0",
  loadAverage: [0.5, 1.5],
};
const results: BenchResults = {
  startedAt: "2026-11-26T10:00:00.000Z",
  finishedAt: "2026-11-26T10:05:00.000Z",
  mode: "quick",
  machine,
  rows: [
    {
      section: "profile",
      figure: "1M×8: wall time",
      unit: "s",
      better: "lower",
      assay: { median: 1.5, min: 1.4, max: 1.7, runs: 3 },
      peer: { name: "pandas", value: { median: 4.5, min: 4.4, max: 4.6, runs: 3 } },
      goal: "≥3× faster than pandas",
      met: true,
    },
    {
      section: "session start",
      figure: "docker warm pool p50",
      unit: "ms",
      better: "lower",
      assay: null,
      peer: null,
      goal: "p50 ≤ 50 ms",
      met: null,
      note: "not available: no podman | socket",
    },
  ],
};

describe("ratioOf", () => {
  it("reads > 1 as Assay better, whichever way the figure points", () => {
    expect(ratioOf(results.rows[0]!)).toBe(3);
    const throughput = {
      better: "higher" as const,
      assay: { median: 50, min: 50, max: 50, runs: 1 },
      peer: { name: "bullmq", value: { median: 100, min: 100, max: 100, runs: 1 } },
    };
    expect(ratioOf(throughput)).toBe(0.5);
    expect(ratioOf(results.rows[1]!)).toBeNull();
  });
});

describe("renderMarkdown", () => {
  const markdown = renderMarkdown(results);

  it("writes one table row per result with values, ratio, goal, runs and machine", () => {
    expect(markdown).toContain(
      "| profile: 1M×8: wall time | 1.50 s (1.40–1.70) | 4.50 s (4.40–4.60) (pandas) | 3.00× | ≥3× faster than pandas ✅ | 3 | 2c/24G/node20.20.2 |",
    );
    expect(markdown).toContain(
      "Test CPU, 2 cores, 24 GiB, Node 20.20.2, Linux 6.1.0, load average 0.5 → 1.5",
    );
  });

  it("shows why a row has no values, escaping table pipes", () => {
    expect(markdown).toContain("| not available: no podman \\| socket | – | – | p50 ≤ 50 ms | – |");
  });

  it("omits a spread that does not show, and prints counts as integers", () => {
    expect(formatSummary({ median: 12.345, min: 12.345, max: 12.345, runs: 1 }, "ms")).toBe("12.3 ms");
    expect(formatSummary({ median: 135.2, min: 135.1, max: 135.3, runs: 3 }, "MB")).toBe("135 MB");
    expect(formatSummary({ median: 0, min: 0, max: 0, runs: 1 }, "events")).toBe("0 events");
  });
});
