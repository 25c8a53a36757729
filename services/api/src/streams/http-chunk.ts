/**
 * HTTP/1.1 `Transfer-Encoding: chunked` framing of a body piece, done once per piece: the hub hands
 * the same frames Buffer to every client of a session, so a thousand clients share one framed
 * chunk instead of each response framing it again (a size line, the data and a CRLF per write).
 * Weakly keyed: a framed chunk lives as long as the frames it wraps.
 */
const framed = new WeakMap<Buffer, Buffer>();
const CRLF = Buffer.from("\r\n");

export function httpChunkOf(data: Buffer): Buffer {
  let chunk = framed.get(data);
  if (!chunk) {
    chunk = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`, "latin1"), data, CRLF]);
    framed.set(data, chunk);
  }
  return chunk;
}
