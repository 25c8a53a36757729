import { describe, expect, it } from "vitest";
import { detectFormat } from "./detect-format.js";

const head = (text: string) => Buffer.from(text);
const parquetHead = Buffer.concat([Buffer.from("PAR1"), Buffer.from([0, 1, 2, 0])]);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe("detectFormat", () => {
  it("accepts content that fits the declared type", () => {
    expect(detectFormat(head("a,b\n1,2\n"), "csv")).toBe("csv");
    expect(detectFormat(head("a\tb\n1\t2\n"), "tsv")).toBe("tsv");
    expect(detectFormat(head(' [{"a":1}]'), "json")).toBe("json");
    expect(detectFormat(head('{"a":1}\n{"a":2}\n'), "ndjson")).toBe("ndjson");
    expect(detectFormat(parquetHead, "parquet")).toBe("parquet");
  });

  it("rejects content that contradicts the declared type", () => {
    expect(codeOf(() => detectFormat(parquetHead, "csv"))).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(codeOf(() => detectFormat(head("a,b\n1,2\n"), "parquet"))).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(codeOf(() => detectFormat(head("a,b\n1,2\n"), "json"))).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(codeOf(() => detectFormat(head("[1,2]\n"), "ndjson"))).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(codeOf(() => detectFormat(head("a\tb\n1\t2\n"), "csv"))).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(codeOf(() => detectFormat(head("a,b\n1,2\n"), "tsv"))).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("rejects binary content and reports empty content as an empty dataset", () => {
    expect(codeOf(() => detectFormat(Buffer.from([0x89, 0x50, 0x00, 0x47]), "csv"))).toBe(
      "UNSUPPORTED_MEDIA_TYPE",
    );
    expect(codeOf(() => detectFormat(Buffer.from([0x89, 0x00]), undefined))).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(codeOf(() => detectFormat(head(""), "csv"))).toBe("EMPTY_DATASET");
    expect(codeOf(() => detectFormat(head(" \n\n"), undefined))).toBe("EMPTY_DATASET");
  });

  it("uses only the extension of a client's file name, then checks the content", () => {
    expect(detectFormat(head("a\tb\n"), undefined, "../../etc/data.TSV")).toBe("tsv");
    expect(detectFormat(head('{"a":1}\n'), undefined, "rows.jsonl")).toBe("ndjson");
    expect(codeOf(() => detectFormat(head("a,b\n"), undefined, "x.parquet"))).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("infers from content when neither a type nor a known extension is given", () => {
    expect(detectFormat(parquetHead, undefined)).toBe("parquet");
    expect(detectFormat(head('[{"a":1}]'), undefined, "data.txt")).toBe("json");
    expect(detectFormat(head('{\n  "a": [1, 2]\n}'), undefined)).toBe("json");
    expect(detectFormat(head('{"a":1}\n{"a":2}'), undefined)).toBe("ndjson");
    expect(detectFormat(head("a\tb,c\tc\n"), undefined, "noext")).toBe("tsv");
    expect(detectFormat(head("\uFEFFa,b\n1,2\n"), undefined)).toBe("csv");
  });
});
