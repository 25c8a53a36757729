import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { PayloadTooLarge } from "../errors.js";

/** Passes bytes through while counting and hashing them; fails the stream past the size limit. */
export class UploadMeter extends Transform {
  bytes = 0;
  private readonly hash = createHash("sha256");

  constructor(private readonly limitBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limitBytes) {
      callback(new PayloadTooLarge(this.limitBytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  /** Hex digest; valid once the stream has ended. */
  get sha256(): string {
    return this.hash.copy().digest("hex");
  }
}
