import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import type { AppError } from "@assay/contracts";
import { describe, expect, it } from "vitest";
import { TextShapeGuard } from "./text-shape-guard.js";

const limits = { maxLineBytes: 16, maxColumns: 3 };
const run = (format: "csv" | "tsv" | "ndjson" | "json", chunks: (string | Buffer)[]) =>
  text(Readable.from(chunks.map((chunk) => Buffer.from(chunk))).pipe(new TextShapeGuard(format, limits)));
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: AppError) => error.code,
  );

describe("TextShapeGuard", () => {
  it("passes text within bounds unchanged, including characters split across chunks", async () => {
    const euro = Buffer.from("€");
    expect(await run("csv", ["a,b,", "c\n1,", euro.subarray(0, 2), euro.subarray(2), ",3\n"])).toBe(
      "a,b,c\n1,€,3\n",
    );
  });

  it("counts header columns outside quotes only, across chunks", async () => {
    expect(await codeOf(run("csv", ['"x,y,z",b,', "c\n"]))).toBe("ok");
    expect(await codeOf(run("csv", ["a,b", ",c,d\n"]))).toBe("DATASET_TOO_WIDE");
    expect(await codeOf(run("tsv", ["a\tb\tc\td\n"]))).toBe("DATASET_TOO_WIDE");
    expect(await codeOf(run("csv", ["a\n1,2,3,4,5\n"]))).toBe("ok"); // rows are polars' business
  });

  it("bounds lines of line formats across chunks, not of a JSON document", async () => {
    expect(await codeOf(run("ndjson", ['{"a":"12345', '67890123"}\n']))).toBe("DATASET_LINE_TOO_LONG");
    expect(await codeOf(run("csv", ["a\n", "x".repeat(16), "\n"]))).toBe("ok");
    expect(await codeOf(run("csv", ["a\n", "x".repeat(17)]))).toBe("DATASET_LINE_TOO_LONG");
    expect(await codeOf(run("json", [`["${"x".repeat(40)}"]`]))).toBe("ok");
  });

  it("refuses NUL bytes, invalid UTF-8 and a file ending mid-character", async () => {
    expect(await codeOf(run("csv", ["a\n\0\n"]))).toBe("DATASET_NOT_TEXT");
    expect(await codeOf(run("json", [Buffer.from([0x5b, 0xc3, 0x28, 0x5d])]))).toBe("DATASET_NOT_TEXT");
    expect(await codeOf(run("csv", ["a\n", Buffer.from([0xe2, 0x82])]))).toBe("DATASET_NOT_TEXT");
  });
});
