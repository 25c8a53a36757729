import { readdir } from "node:fs/promises";
import path from "node:path";
import { Dataset, ErrorBody, SessionView } from "@assay/contracts";
import { storageKeys } from "@assay/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, startApi } from "./api-fixture.js";
import { rawRequest } from "./raw-request.js";
import { readSse } from "./sse-client.js";

let fx: ApiFixture;
const MiB = 1024 * 1024;

beforeAll(async () => {
  fx = await startApi({ MAX_UPLOAD_BYTES: String(200 * MiB), UPLOAD_TIMEOUT_MS: "1500" });
});
afterAll(async () => {
  await fx.close();
});

async function newSession(): Promise<string> {
  return SessionView.parse(await (await fx.call("/v1/sessions", { method: "POST" })).json()).id;
}
const storedFiles = (sessionId: string) =>
  readdir(path.join(fx.env.DATA_DIR, storageKeys.datasetsDir(sessionId))).catch(() => [] as string[]);

/** Streams a generated body at the upload route and returns the status and error code. */
async function uploadChunks(
  sessionId: string,
  contentType: string,
  chunks: Iterable<Buffer | string>,
  stallMs?: number,
) {
  const answer = await rawRequest(`${fx.url}/v1/sessions/${sessionId}/datasets`, {
    headers: {
      Authorization: `Bearer ${fx.token}`,
      "Content-Type": contentType,
      "Transfer-Encoding": "chunked",
    },
    chunks,
    ...(stallMs === undefined ? {} : { stallMs }),
  });
  return { status: answer.status, code: ErrorBody.parse(JSON.parse(answer.body)).error.code };
}

function* repeated(chunk: Buffer | string, times: number) {
  for (let i = 0; i < times; i++) yield chunk;
}

describe("hostile uploads", () => {
  it("refuses a CSV with a million columns before polars reads it", async () => {
    const sessionId = await newSession();
    const header = Array.from({ length: 1_000_000 }, (_, i) => `c${i}`).join(",");
    const result = await uploadChunks(sessionId, "text/csv", [header, "\n1\n"]);
    expect(result).toEqual({ status: 400, code: "DATASET_TOO_WIDE" });
    expect(await storedFiles(sessionId)).toEqual([]);
  });

  it("refuses a 100 MB single line while streaming, without reading it all", async () => {
    const sessionId = await newSession();
    const result = await uploadChunks(sessionId, "text/csv", ["a,b\n", ...repeated("x".repeat(MiB), 100)]);
    expect(result).toEqual({ status: 400, code: "DATASET_LINE_TOO_LONG" });
    const ndjson = await uploadChunks(sessionId, "application/x-ndjson", [
      `{"a":"${"y".repeat(2 * MiB)}"}\n`,
    ]);
    expect(ndjson).toEqual({ status: 400, code: "DATASET_LINE_TOO_LONG" });
    expect(await storedFiles(sessionId)).toEqual([]);
  });

  it("refuses invalid UTF-8 and NUL bytes, also past the sniffed head", async () => {
    const sessionId = await newSession();
    const rows = "1,2\n".repeat(40_000); // past the 64 KiB head
    for (const bad of [Buffer.from([0xff, 0xfe, 0x41]), Buffer.from("a\0b"), Buffer.from([0xe2, 0x82])]) {
      const result = await uploadChunks(sessionId, "text/csv", ["a,b\n", rows, bad, "\n"]);
      expect(result).toEqual({ status: 400, code: "DATASET_NOT_TEXT" });
    }
    // A multi-byte character split across chunks is fine.
    const euro = Buffer.from("€");
    const split = await rawRequest(`${fx.url}/v1/sessions/${sessionId}/datasets`, {
      headers: { Authorization: `Bearer ${fx.token}`, "Content-Type": "text/csv" },
      chunks: ["a,b\n", euro.subarray(0, 1), euro.subarray(1), ",2\n"],
    });
    expect(split.status).toBe(201);
    expect(Dataset.parse(JSON.parse(split.body)).rows).toBe(1);
  });

  it("refuses a truncated Parquet file and leaves nothing behind", async () => {
    const sessionId = await newSession();
    const truncated = Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(500, 7)]);
    const response = await fx.call(`/v1/sessions/${sessionId}/datasets`, {
      method: "POST",
      headers: { "Content-Type": "application/vnd.apache.parquet" },
      body: truncated,
    });
    expect(response.status).toBe(400);
    expect(ErrorBody.parse(await response.json()).error.code).toBe("DATASET_UNPARSEABLE");
    expect(await storedFiles(sessionId)).toEqual([]);
  });

  it("refuses compressed bodies: nothing is ever inflated", async () => {
    const sessionId = await newSession();
    const response = await fx.call(`/v1/sessions/${sessionId}/datasets`, {
      method: "POST",
      headers: { "Content-Type": "text/csv", "Content-Encoding": "gzip" },
      body: Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]),
    });
    expect(response.status).toBe(415);
  });

  it("times out an upload that stalls with 408 and leaves nothing behind", async () => {
    const sessionId = await newSession();
    const result = await uploadChunks(sessionId, "text/csv", ["a,b\n1,2\n"], 10_000);
    expect(result).toEqual({ status: 408, code: "REQUEST_TIMEOUT" });
    expect(await storedFiles(sessionId)).toEqual([]);
    expect((await fx.call(`/v1/sessions/${sessionId}`)).status).toBe(200);
  });

  it("never turns a client file name into a path", async () => {
    const sessionId = await newSession();
    let stored = 0;
    for (const name of [
      "../../../etc/passwd.csv",
      "..\\..\\win.csv",
      "/abs/x.csv",
      "a\u0000b.csv",
      "%2e%2e%2fx.csv",
    ]) {
      const form = new FormData();
      form.append("file", new Blob(["a,b\n1,2\n"]), name);
      const multipart = await fx.call(`/v1/sessions/${sessionId}/datasets`, { method: "POST", body: form });
      const raw = await fx.call(`/v1/sessions/${sessionId}/datasets?name=${encodeURIComponent(name)}`, {
        method: "POST",
        headers: { "Content-Type": "text/csv" },
        body: "a,b\n1,2\n",
      });
      for (const response of [multipart, raw]) {
        // busboy refuses a NUL in a part header outright (400); everything else is stored under its id.
        expect([201, 400]).toContain(response.status);
        if (response.status !== 201) continue;
        stored++;
        expect(Dataset.parse(await response.json()).name).not.toMatch(/[\\/]|\p{Cc}/u);
      }
    }
    const files = await storedFiles(sessionId);
    expect(files).toHaveLength(stored);
    expect(stored).toBeGreaterThanOrEqual(9);
    for (const file of files) expect(file).toMatch(/^ds_[0-9A-Za-z]{24}\.csv$/);
    const sessionDirs = await readdir(path.join(fx.env.DATA_DIR, "sessions"));
    expect(sessionDirs.every((entry) => entry.startsWith("ses_"))).toBe(true);
  });
});

describe("hostile requests", () => {
  it("bounds header and query sizes without a 5xx", async () => {
    const headers = await rawRequest(`${fx.url}/v1/sessions`, {
      method: "GET",
      headers: { Authorization: `Bearer ${fx.token}`, "X-Big": "x".repeat(64 * 1024) },
    });
    expect(headers.status).toBe(431);
    const query = await fx.call(`/v1/sessions?limit=1&pad=${"q".repeat(8 * 1024)}`);
    expect(query.status).toBe(400);
    expect((await fx.call("/v1/sessions")).status).toBe(200);
  });
});

describe("event framing", () => {
  it("keeps one event one event, whatever newlines its text carries", async () => {
    const sessionId = await newSession();
    const message = "before\n\nevent: x\ndata: y\n\nid: 9999999999999-0\r\nafter";
    await fx.api.services.events.append({
      type: "job:log",
      sessionId,
      jobId: "job_AAAAAAAAAAAAAAAAAAAAAAAA",
      level: "info",
      message,
    });
    const { messages } = await readSse(await fx.call(`/v1/sessions/${sessionId}/events`), {
      stopWhen: (received) => received.length >= 2,
      timeoutMs: 2_000,
    });
    expect(messages.map((received) => received.event)).toEqual(["session:created", "job:log"]);
    expect(JSON.parse(messages[1]!.data).message).toBe(message);
    expect(messages[1]!.id).not.toBe("9999999999999-0");
  });
});
