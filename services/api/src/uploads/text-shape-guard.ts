import { isUtf8 } from "node:buffer";
import { Transform, type TransformCallback } from "node:stream";
import { AppError, type DatasetFormat } from "@assay/contracts";

export interface TextShapeLimits {
  maxLineBytes: number;
  maxColumns: number;
}

export class DatasetShapeRefused extends AppError {
  constructor(code: "DATASET_TOO_WIDE" | "DATASET_LINE_TOO_LONG" | "DATASET_NOT_TEXT", message: string) {
    super(code, message);
  }
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const DELIMITER: Partial<Record<DatasetFormat, number>> = { csv: 0x2c, tsv: 0x09 };
/** Formats read line by line, where one huge line would be one huge allocation in the reader. */
const LINE_FORMATS: ReadonlySet<DatasetFormat> = new Set(["csv", "tsv", "ndjson"]);

/**
 * Passes a text upload through while refusing what would make the reader's memory unbounded or
 * its input ambiguous: bytes that are not UTF-8, NUL bytes, a line longer than `maxLineBytes`, a
 * header row with more than `maxColumns` columns. Runs before polars sees a byte of the file.
 */
export class TextShapeGuard extends Transform {
  private readonly delimiter: number | undefined;
  private readonly checksLines: boolean;
  /** Bytes of an unfinished UTF-8 sequence at the end of the last chunk. */
  private carry = Buffer.alloc(0);
  private lineBytes = 0;
  private inHeader = true;
  private inQuotes = false;
  private columns = 1;

  constructor(
    format: DatasetFormat,
    private readonly limits: TextShapeLimits,
  ) {
    super();
    this.delimiter = DELIMITER[format];
    this.checksLines = LINE_FORMATS.has(format);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const refusal = this.check(chunk);
    callback(refusal ?? null, refusal ? undefined : chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.carry.length > 0 ? notText("the file ends inside a UTF-8 character") : null);
  }

  private check(chunk: Buffer): AppError | undefined {
    if (chunk.includes(0)) return notText("the file contains NUL bytes");
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const complete = completeUtf8Length(data);
    if (!isUtf8(data.subarray(0, complete))) return notText("the file is not valid UTF-8 text");
    this.carry = Buffer.from(data.subarray(complete));
    if (this.inHeader && this.delimiter !== undefined) {
      const refusal = this.countHeaderColumns(chunk);
      if (refusal) return refusal;
    }
    return this.checksLines ? this.checkLineLengths(chunk) : undefined;
  }

  private countHeaderColumns(chunk: Buffer): AppError | undefined {
    for (const byte of chunk) {
      if (byte === QUOTE) this.inQuotes = !this.inQuotes;
      else if (!this.inQuotes && byte === NEWLINE) {
        this.inHeader = false;
        return undefined;
      } else if (!this.inQuotes && byte === this.delimiter && ++this.columns > this.limits.maxColumns) {
        return new DatasetShapeRefused(
          "DATASET_TOO_WIDE",
          `the header has more than ${this.limits.maxColumns} columns`,
        );
      }
    }
    return undefined;
  }

  private checkLineLengths(chunk: Buffer): AppError | undefined {
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline >= 0; newline = chunk.indexOf(NEWLINE, start)) {
      if (this.lineBytes + newline - start > this.limits.maxLineBytes) return this.lineTooLong();
      this.lineBytes = 0;
      start = newline + 1;
    }
    this.lineBytes += chunk.length - start;
    return this.lineBytes > this.limits.maxLineBytes ? this.lineTooLong() : undefined;
  }

  private lineTooLong(): AppError {
    return new DatasetShapeRefused(
      "DATASET_LINE_TOO_LONG",
      `a line is longer than ${this.limits.maxLineBytes} bytes`,
    );
  }
}

const notText = (message: string) => new DatasetShapeRefused("DATASET_NOT_TEXT", message);

/** How many leading bytes of `data` end on a UTF-8 character boundary (a split character waits for the next chunk). */
function completeUtf8Length(data: Buffer): number {
  for (let back = 1; back <= Math.min(3, data.length); back++) {
    const byte = data[data.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const expected = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return expected > back ? data.length - back : data.length;
  }
  return data.length;
}
