import fc from "fast-check";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { analyse, expectSoundReport } from "./fixtures.js";

/** Every edge case must end in a parseable report with no NaN/Infinity, and say what it could not do. */
describe("runPipeline edge cases: a clear result or alert, never a crash or NaN", () => {
  it("an all-null column", async () => {
    const df = pl.DataFrame({ empty: [null, null, null, null], v: [1, 2, 3, 4], g: ["a", "b", "a", "b"] });
    const report = expectSoundReport(await analyse(df, "does empty relate to v?"));
    expect(report.profile.alerts.some((a) => a.columns.includes("empty"))).toBe(true);
    expect(report.hypotheses[0]?.status).toBe("skipped");
  });

  it("one row", async () => {
    const df = pl.DataFrame({ v: [1.5], g: ["a"], t: ["2024-01-01"] });
    const report = expectSoundReport(await analyse(df, "does v differ by g?"));
    expect(report.hypotheses.every((h) => h.status === "skipped")).toBe(true);
    expect(report.answer.text).toContain("could not be tested");
  });

  it("a constant column", async () => {
    const df = pl.DataFrame({ c: Array(50).fill(7), v: Array.from({ length: 50 }, (_, i) => i % 9) });
    const report = expectSoundReport(await analyse(df, "how does c relate to v?"));
    expect(report.profile.alerts.some((a) => a.kind === "constant" && a.columns.includes("c"))).toBe(true);
  });

  it("unicode and duplicate-looking column names", async () => {
    const n = 40;
    const df = pl.DataFrame({
      "a b": Array.from({ length: n }, (_, i) => i),
      "a-b": Array.from({ length: n }, (_, i) => (i * 3) % 7),
      A_B: Array.from({ length: n }, (_, i) => i * 2 + (i % 3)),
      "Körper (g)": Array.from({ length: n }, (_, i) => 50 + ((i * 13) % 11)),
      身長: Array.from({ length: n }, (_, i) => 150 + ((i * 7) % 17)),
      "🐧 species": Array.from({ length: n }, (_, i) => ["Adélie", "Gentoo"][i % 2]),
    });
    const out = await analyse(df, "does Körper (g) differ by 🐧 species?");
    const report = expectSoundReport(out);
    expect(report.hypotheses[0]?.spec).toEqual({
      kind: "difference",
      metric: "Körper (g)",
      groupBy: "🐧 species",
    });
    const names = out.charts.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^chart-[a-z0-9-]+\.svg$/);
  });

  it("500 columns", async () => {
    const columns = Object.fromEntries(
      Array.from({ length: 500 }, (_, c) => [
        `col_${c}`,
        Array.from({ length: 30 }, (_, i) => (i * (c + 1)) % 13),
      ]),
    );
    const out = await analyse(pl.DataFrame(columns), "summarise the data");
    const report = expectSoundReport(out);
    expect(report.profile.columns).toBe(500);
    expect(report.hypotheses.length).toBeLessThanOrEqual(8);
  });

  it("a million distinct strings in one column", async () => {
    const df = pl.DataFrame({ id: Array.from({ length: 1_000_000 }, (_, i) => `id-${i}`) });
    const report = expectSoundReport(await analyse(df, "what is in here?"));
    expect(report.profile.columnProfiles[0]).toMatchObject({ distinct: 1_000_000 });
    expect(report.hypotheses).toEqual([]);
  });

  it("mixed types in a CSV column", async () => {
    const csv = ["v,g", "1,a", "2,b", "three,a", "4.5,b", ",a", "6,b", "seven,a", "8,b"].join("\n");
    const df = pl.readCSV(csv);
    const report = expectSoundReport(await analyse(df, "does v differ by g?"));
    expect(report.profile.columnProfiles.find((c) => c.name === "v")).toBeDefined();
  });

  it("dates in several formats", async () => {
    const dates = [
      "2024-01-05",
      "2024/02/05",
      "03/05/2024",
      "2024-04-05",
      "2024-05-05T10:00:00",
      "06.05.2024",
    ];
    const df = pl.DataFrame({
      when: Array.from({ length: 60 }, (_, i) => dates[i % dates.length]),
      v: Array.from({ length: 60 }, (_, i) => i + (i % 4)),
    });
    const report = expectSoundReport(await analyse(df, "is there a trend in v over when?"));
    // Six formats in one column are not read as dates; the answer says why no trend was tested.
    expect(report.answer.text).toContain("no date column");
  });

  it("a group with one member and groups with zero variance", async () => {
    const df = pl.DataFrame({
      g: ["solo", "flat", "flat", "flat", "also", "also", "also"],
      v: [3, 1, 1, 1, 2, 2, 2],
    });
    const report = expectSoundReport(await analyse(df, "does v differ by g?"));
    const [h] = report.hypotheses;
    expect(h?.status).toBe("skipped");
    expect(h?.skippedReason).toMatch(/constant within every group/);
    expect(h?.caveats.join(" ")).toMatch(/fewer than two values.*solo/);
  });

  it("values near the limits of a double (found by the property below)", async () => {
    const df = pl.DataFrame({
      n: [1, 2, 3, 4, 5],
      g: ["x", "y", "x", "y", null],
      m: [Number.MAX_VALUE, -Number.MAX_VALUE, 0, 5e-324, 2],
    });
    for (const query of ["how does n relate to m?", "trend of n over m", "does m differ by g?"]) {
      const report = expectSoundReport(await analyse(df, query));
      expect(report.profile.columnProfiles.find((c) => c.name === "m")?.numeric?.histogram).toBeNull();
    }
    // A range that fits in a double, whose bin edges still must not overflow on the way.
    const wide = pl.DataFrame({ m: [0, 0, 0, -5.992310449541053e307], g: ["x", "x", "x", "x"] });
    const report = expectSoundReport(await analyse(wide, "does m differ by g?"));
    expect(report.profile.columnProfiles[0]?.numeric?.histogram?.edges.every(Number.isFinite)).toBe(true);
  });

  // Each case runs a whole pipeline (charts and PNGs included): a generous limit for a loaded machine.
  it("random small frames (fast-check): always a parseable report without NaN", async () => {
    const cell = fc.oneof(
      fc.constant(null),
      fc.double({ noNaN: false }),
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom("a", "b", "<b>", "2024-01-01"),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.constantFrom("x", "y", null), cell),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        fc.constantFrom("does n differ by g?", "how does n relate to m?", "trend of n over m", "hello"),
        async (rows, query) => {
          const df = pl.DataFrame({
            n: rows.map((r) => r[0]),
            g: rows.map((r) => r[1]),
            m: rows.map((r) => (typeof r[2] === "number" && Number.isFinite(r[2]) ? r[2] : null)),
          });
          expectSoundReport(await analyse(df, query));
        },
      ),
      { numRuns: 12 },
    );
  }, 300_000);
});
