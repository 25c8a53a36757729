import { request } from "node:http";

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends a request with node:http, writing the body chunk by chunk from `chunks` while the server
 * may already be answering (and closing); resolves with the answer. Used for bodies a server must
 * refuse before it has read them (fetch gives up writing and rejects in that case).
 */
export function rawRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    chunks?: Iterable<Buffer | string>;
    stallMs?: number;
  },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "POST", headers: options.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(parts).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    let answered = false;
    req.on("response", () => {
      answered = true;
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const chunks = options.chunks?.[Symbol.iterator]();
    const writeNext = () => {
      for (;;) {
        if (answered || req.destroyed) return;
        const next = chunks?.next();
        if (!next || next.done) {
          if (options.stallMs === undefined) req.end();
          return; // a stalled request never ends
        }
        if (!req.write(next.value)) {
          req.once("drain", writeNext);
          return;
        }
      }
    };
    writeNext();
  });
}
