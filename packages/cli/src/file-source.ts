import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { CONTENT_TYPE_FORMATS } from "@assay/contracts";
import { UsageError } from "./exit-codes.js";

const EXTENSION_FORMATS: Record<string, string> = {
  ".csv": "csv",
  ".tsv": "tsv",
  ".tab": "tsv",
  ".json": "json",
  ".ndjson": "ndjson",
  ".jsonl": "ndjson",
  ".parquet": "parquet",
};

/** The upload Content-Type for a file, from its extension. */
export function contentTypeFor(file: string): string {
  const format = EXTENSION_FORMATS[path.extname(file).toLowerCase()];
  const contentType = Object.entries(CONTENT_TYPE_FORMATS).find(([, value]) => value === format)?.[0];
  if (!contentType) {
    throw new UsageError(
      `cannot tell the format of '${file}': name it .csv, .tsv, .json, .ndjson or .parquet`,
    );
  }
  return contentType;
}

export interface FileSource {
  name: string;
  bytes: number;
  contentType: string;
  /** The file as a web stream that reports each chunk's size as it is read. */
  open(onBytes: (sent: number) => void): ReadableStream<Uint8Array>;
}

export async function fileSource(file: string): Promise<FileSource> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new UsageError(`no such file: ${file}`);
  const contentType = contentTypeFor(file);
  return {
    name: path.basename(file),
    bytes: info.size,
    contentType,
    open(onBytes) {
      let sent = 0;
      const counter = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          sent += chunk.byteLength;
          onBytes(sent);
          controller.enqueue(chunk);
        },
      });
      const source = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
      return source.pipeThrough(counter);
    },
  };
}
