import { open } from "node:fs/promises";
import type { DatasetFormat } from "@assay/contracts";
import { EmptyDataset, UnsupportedMediaType } from "./errors.js";
import { formatFromFileName } from "./formats.js";

/** How much of the start of a file format detection looks at. */
export const HEAD_BYTES = 64 * 1024;

const PARQUET_MAGIC = Buffer.from("PAR1");
const UTF8_BOM = "\uFEFF";

interface HeadFacts {
  parquet: boolean;
  binary: boolean;
  /** The text with BOM and leading whitespace removed (empty for binary content). */
  text: string;
  firstLine: string;
}

function factsOf(head: Buffer): HeadFacts {
  const parquet = head.subarray(0, PARQUET_MAGIC.length).equals(PARQUET_MAGIC);
  const binary = !parquet && head.includes(0);
  const text = parquet || binary ? "" : head.toString("utf8").replace(UTF8_BOM, "").trimStart();
  const newline = text.search(/\r?\n/);
  return { parquet, binary, text, firstLine: newline < 0 ? text : text.slice(0, newline) };
}

const count = (text: string, char: string) => text.split(char).length - 1;

/** Whether the first line is a whole JSON object, which makes `{`-content NDJSON rather than JSON. */
function firstLineIsObject(firstLine: string): boolean {
  try {
    const value: unknown = JSON.parse(firstLine);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** The format the content looks like on its own. */
function inferFromContent(facts: HeadFacts): DatasetFormat {
  if (facts.parquet) return "parquet";
  if (facts.text.startsWith("[")) return "json";
  if (facts.text.startsWith("{")) return firstLineIsObject(facts.firstLine) ? "ndjson" : "json";
  return count(facts.firstLine, "\t") > count(facts.firstLine, ",") ? "tsv" : "csv";
}

/** Why the content contradicts a format, or undefined when it fits. */
function contradiction(format: DatasetFormat, facts: HeadFacts): string | undefined {
  if (format === "parquet")
    return facts.parquet ? undefined : "it does not start with the Parquet magic bytes";
  if (facts.parquet) return "it is a Parquet file";
  const first = facts.text[0];
  switch (format) {
    case "json":
      return first === "[" || first === "{" ? undefined : "JSON must start with '[' or '{'";
    case "ndjson":
      return first === "{" ? undefined : "NDJSON must be one JSON object per line";
    case "csv":
      return count(facts.firstLine, "\t") > 0 && count(facts.firstLine, ",") === 0
        ? "its first line is tab-separated"
        : undefined;
    case "tsv":
      return count(facts.firstLine, ",") > 0 && count(facts.firstLine, "\t") === 0
        ? "its first line is comma-separated"
        : undefined;
  }
}

/**
 * Decides the format of an upload from its first bytes: the declared type (Content-Type) or, for
 * multipart uploads, the extension of the client's file name, checked against the content; the
 * content alone when neither says anything.
 */
export function detectFormat(
  head: Buffer,
  declared: DatasetFormat | undefined,
  fileName?: string,
): DatasetFormat {
  const facts = factsOf(head);
  if (facts.binary) throw new UnsupportedMediaType("the content is binary, not a supported dataset format");
  if (!facts.parquet && facts.text.trim() === "") throw new EmptyDataset("the dataset is empty");
  const claimed = declared ?? formatFromFileName(fileName);
  if (!claimed) return inferFromContent(facts);
  const reason = contradiction(claimed, facts);
  if (reason) throw new UnsupportedMediaType(`the content is not ${claimed}: ${reason}`);
  return claimed;
}

/** The first `bytes` bytes of a file, for `detectFormat`. */
export async function readHead(filePath: string, bytes = HEAD_BYTES): Promise<Buffer> {
  const file = await open(filePath, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
