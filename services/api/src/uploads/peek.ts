import { Readable } from "node:stream";

/**
 * Reads the first `bytes` bytes of a stream (fewer if it ends sooner) and returns them with a
 * stream that yields the whole content again, head included. Nothing beyond the head is buffered.
 */
export async function peek(source: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator: AsyncIterator<Buffer> = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let total = 0;
  let done = false;
  while (total < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    total += next.value.length;
  }
  async function* replay(): AsyncGenerator<Buffer> {
    yield* chunks;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  const stream = Readable.from(replay(), { objectMode: false });
  // Abandoning the returned stream must release the source too.
  stream.once("close", () => void iterator.return?.());
  return { head: Buffer.concat(chunks).subarray(0, bytes), stream };
}
