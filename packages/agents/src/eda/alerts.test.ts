import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { profile } from "./profile.js";

describe("alerts and sampling", () => {
  it("raises high_correlation citing the strongest association of the pair", async () => {
    const x = Array.from({ length: 50 }, (_, i) => i + 0.5); // not whole numbers, so not an identifier
    const p = await profile(pl.DataFrame({ x, y: x.map((v) => 2 * v + (v % 3)) }));
    const alert = p.alerts.find((a) => a.kind === "high_correlation");
    expect(alert?.id).toBe("alert:high_correlation:x~y");
    expect(p.associations.map((a) => a.id)).toContain(alert?.evidence.associationId);
  });

  it("raises uniform for evenly spread categories (counts 20, 20, 20, 20: coefficient of variation 0)", async () => {
    const p = await profile(
      pl.DataFrame({ g: Array.from({ length: 80 }, (_, i) => ["w", "x", "y", "z"][i % 4]) }),
    );
    expect(p.alerts.find((a) => a.kind === "uniform")?.evidence).toMatchObject({ countCv: 0, buckets: 4 });
  });

  it("computes Cramér's V and η on an evenly spaced sample beyond the sample size, and says so", async () => {
    const n = 1_000;
    const df = pl.DataFrame({
      g: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? "even" : "odd")),
      h: Array.from({ length: n }, (_, i) => (i % 4 < 2 ? "low" : "high")),
      v: Array.from({ length: n }, (_, i) => i % 7),
    });
    const p = await profile(df, { associationSampleRows: 100 });
    expect(
      p.sample?.statistics.some((s) => s.startsWith("Cramér's V and correlation ratio (every 10th row)")),
    ).toBe(true);
    expect(p.sample?.rows).toBe(100);
    expect(p.associations.find((a) => a.method === "cramers_v")?.n).toBe(100);
    // Pearson and Spearman stay exact on all rows.
    expect(p.associations.filter((a) => a.method === "pearson").every((a) => a.n === n)).toBe(true);
  });
});
