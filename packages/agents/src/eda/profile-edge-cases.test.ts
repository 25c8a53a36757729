import { Profile } from "@assay/contracts";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { profile } from "./profile.js";

/** Every number in the profile is finite (NaN and ±Infinity would become null in JSON silently). */
function expectFiniteEverywhere(value: unknown, path = "profile"): void {
  if (typeof value === "number") {
    expect(Number.isFinite(value), `${path} = ${value}`).toBe(true);
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) expectFiniteEverywhere(v, `${path}[${i}]`);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) expectFiniteEverywhere(v, `${path}.${k}`);
  }
}

async function checked(df: pl.DataFrame) {
  const p = await profile(df);
  expect(() => Profile.parse(p)).not.toThrow();
  expectFiniteEverywhere(p);
  return p;
}

describe("profile edge cases", () => {
  it("an all-null column is mostly_missing and constant, with null statistics", async () => {
    const p = await checked(
      pl.DataFrame({
        empty: pl.Series("empty", [null, null, null], pl.Float64),
        ok: [1, 2, 3],
        none: [null, null, null],
      }),
    );
    const empty = p.columnProfiles[0];
    expect(empty).toMatchObject({ count: 0, missing: 3, distinct: 0, kindReason: "all values missing" });
    expect(p.alerts.filter((a) => a.columns[0] === "empty").map((a) => a.kind)).toEqual([
      "mostly_missing",
      "constant",
    ]);
    expect(p.columnProfiles[2]).toMatchObject({ name: "none", count: 0, missing: 3 });
    expect(p.missingCells).toBe(6);
  });

  it("one row gives nulls for spread and shape, not NaN", async () => {
    const p = await checked(pl.DataFrame({ v: [4.2], s: ["x"] }));
    expect(p.columnProfiles[0]?.numeric).toMatchObject({
      mean: 4.2,
      std: null,
      skewness: null,
      kurtosis: null,
    });
    expect(p.associations).toEqual([]);
  });

  it("a constant column raises constant and gets a one-bin histogram", async () => {
    const p = await checked(pl.DataFrame({ c: [7, 7, 7, 7], label: ["a", "a", "a", "a"] }));
    expect(p.alerts.filter((a) => a.kind === "constant").map((a) => a.columns[0])).toEqual(["c", "label"]);
    expect(p.columnProfiles[0]?.numeric?.histogram).toEqual({ edges: [7, 7], counts: [4] });
  });

  it("unicode, regex-like and look-alike column names are profiled as themselves", async () => {
    const names = ["名前", "*", "^a.*$", "a", "a ", "A", "<script>alert(1)</script>"];
    const df = pl.DataFrame(Object.fromEntries(names.map((n, i) => [n, [i, i + 1, i + 3, i + 2]])));
    const p = await checked(df);
    expect(p.columnProfiles.map((c) => c.name)).toEqual(names);
    expect(p.columnProfiles.map((c) => c.numeric?.mean)).toEqual(names.map((_, i) => i + 1.5));
  });

  it("500 columns profile without error and cap the associations considered", async () => {
    const columns = Object.fromEntries(
      Array.from({ length: 500 }, (_, c) => [
        `col_${c}`,
        Array.from({ length: 20 }, (_, r) => ((r * (c + 3)) % 17) + c / 7),
      ]),
    );
    const progress: string[] = [];
    const p = await profile(
      pl.DataFrame(columns),
      {},
      { onProgress: (_stage, _pct, detail) => progress.push(detail ?? "") },
    );
    expect(Profile.parse(p).columns).toBe(500);
    expectFiniteEverywhere(p);
    const considered = new Set(p.associations.flatMap((a) => [a.x, a.y]));
    expect(considered.size).toBeLessThanOrEqual(30);
    expect(p.notes?.[0]).toMatch(/^associations consider the 30 most complete of 4\d\d eligible columns/);
    expect(progress.filter((d) => d.startsWith("numeric statistics")).length).toBe(20); // one per group of 25
  });

  it("text holding mostly numbers raises mixed_types", async () => {
    const p = await checked(pl.DataFrame({ amount: ["12", "13.5", "n/a", "14", "15", "16", null] }));
    const alert = p.alerts.find((a) => a.kind === "mixed_types");
    expect(alert?.id).toBe("alert:mixed_types:amount");
    expect(alert?.evidence).toMatchObject({ nonNumeric: 1 });
  });

  it("an empty frame gives an empty profile", async () => {
    const p = await checked(
      pl.DataFrame({ a: pl.Series("a", [], pl.Float64), b: pl.Series("b", [], pl.Utf8) }),
    );
    expect(p).toMatchObject({ rows: 0, columns: 2, missingCells: 0, duplicateRows: 0, alerts: [] });
  });
});
