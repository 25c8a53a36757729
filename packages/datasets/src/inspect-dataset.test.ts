import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pl from "nodejs-polars";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectDataset } from "./inspect-dataset.js";
import { readDataset, scanDataset } from "./read-dataset.js";

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "assay-datasets-"));
  await writeFile(file("people.csv"), "name,age,score,member\nada,36,9.5,true\nbob,41,7.25,false\n");
  await writeFile(file("people.tsv"), "name\tage\nada\t36\nbob\t41\ncy\t29\n");
  await writeFile(file("people.json"), '[{"name":"ada","age":36},{"name":"bob","age":null}]');
  await writeFile(file("people.ndjson"), '{"name":"ada","age":36}\n{"name":"bob","age":41}\n');
  // A number column whose only text value comes after the inference sample.
  const late = Array.from({ length: 12_000 }, (_, i) => `${i},${i * 2}`);
  await writeFile(file("late-text.csv"), `id,value\n${late.join("\n")}\nnot-a-number,7\n`);
  const lateJson = Array.from({ length: 12_000 }, (_, i) => `{"id":${i}}`);
  await writeFile(file("late-text.ndjson"), `${lateJson.join("\n")}\n{"id":"x"}\n`);
  await writeFile(file("empty.csv"), "");
  await writeFile(file("header-only.csv"), "a,b\n");
  await writeFile(file("empty-array.json"), "[]");
  await writeFile(file("garbage.csv"), 'a,b\n"1,2\n3,4,5,6\n"unterminated');
  await writeFile(file("garbage.ndjson"), "{not json at all\n");
  pl.DataFrame({
    city: ["Oslo", "Lima"],
    population: [709_000, 10_000_000],
    area: [454.0, 2672.3],
    founded: [new Date("1040-01-01"), new Date("1535-01-18")],
  }).writeParquet(file("cities.parquet"));
  await writeFile(file("parquet-bytes.csv"), await readFile(file("cities.parquet")));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function codeOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe("inspectDataset", () => {
  it("counts rows and types columns of CSV", async () => {
    const shape = await inspectDataset(file("people.csv"), "csv");
    expect(shape).toEqual({
      rows: 2,
      columns: [
        { name: "name", type: "string", dtype: "String" },
        { name: "age", type: "integer", dtype: "Int64" },
        { name: "score", type: "float", dtype: "Float64" },
        { name: "member", type: "boolean", dtype: "Bool" },
      ],
    });
  });

  it("reads TSV, JSON arrays, NDJSON and Parquet", async () => {
    expect((await inspectDataset(file("people.tsv"), "tsv")).rows).toBe(3);
    const json = await inspectDataset(file("people.json"), "json");
    expect(json.rows).toBe(2);
    expect(json.columns.map((column) => column.type)).toEqual(["string", "integer"]);
    expect((await inspectDataset(file("people.ndjson"), "ndjson")).rows).toBe(2);
    const parquet = await inspectDataset(file("cities.parquet"), "parquet");
    expect(parquet.rows).toBe(2);
    expect(parquet.columns.map((column) => column.type)).toEqual(["string", "float", "float", "datetime"]);
  });

  it("falls back to text columns when a late value breaks the inferred type", async () => {
    const csv = await inspectDataset(file("late-text.csv"), "csv");
    expect(csv.rows).toBe(12_001);
    expect(csv.columns.map((column) => column.type)).toEqual(["string", "string"]);
    const ndjson = await inspectDataset(file("late-text.ndjson"), "ndjson");
    expect(ndjson.rows).toBe(12_001);
    expect(ndjson.columns[0]?.type).toBe("string");
  });

  it("reports empty datasets", async () => {
    expect(await codeOf(() => inspectDataset(file("empty.csv"), "csv"))).toBe("EMPTY_DATASET");
    expect(await codeOf(() => inspectDataset(file("header-only.csv"), "csv"))).toBe("EMPTY_DATASET");
    expect(await codeOf(() => inspectDataset(file("empty-array.json"), "json"))).toBe("EMPTY_DATASET");
  });

  it("reports files polars cannot parse, with a short reason", async () => {
    for (const [name, format] of [
      ["garbage.csv", "csv"],
      ["garbage.ndjson", "ndjson"],
      ["parquet-bytes.csv", "csv"],
      ["people.csv", "parquet"],
    ] as const) {
      const error = await inspectDataset(file(name), format).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "DATASET_UNPARSEABLE" });
      expect((error as Error).message).not.toContain("\n");
    }
  });
});

describe("readDataset and scanDataset", () => {
  it("read the whole frame, with the text fallback", async () => {
    const frame = await readDataset(file("late-text.csv"), "csv");
    expect(frame.shape).toEqual({ height: 12_001, width: 2 });
    expect(frame.getColumn("id").get(12_000)).toBe("not-a-number");
  });

  it("scan lazily so a query reads only what it needs", async () => {
    const scan = scanDataset(file("cities.parquet"), "parquet");
    const big = await scan.filter(pl.col("population").gt(1_000_000)).select("city").collect();
    expect(big.getColumn("city").toArray()).toEqual(["Lima"]);
  });
});
