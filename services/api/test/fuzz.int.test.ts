import v8 from "node:v8";
import vm from "node:vm";
import { AssayEvent, Dataset, SessionView } from "@assay/contracts";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ApiFixture, freshTenant, startApi } from "./api-fixture.js";
import { readSse } from "./sse-client.js";

// Heap growth is measured after a full GC, which needs the gc() function.
v8.setFlagsFromString("--expose-gc");
const collectGarbage = vm.runInNewContext("gc") as () => void;

const RUNS = { bodies: 800, headers: 600, ids: 800, queries: 600, uploads: 400 } as const;
const HEAP_GROWTH_BOUND = 96 * 1024 * 1024;

let fx: ApiFixture;
let victim: { token: string; sessionId: string; datasetId: string };
let attackerSession: string;
let attackerDataset: string;

beforeAll(async () => {
  fx = await startApi({
    TENANT_REQUESTS_PER_MINUTE: "1000000",
    MAX_UPLOAD_BYTES: String(256 * 1024),
    MAX_JSON_BYTES: String(64 * 1024),
  });
  const victimToken = await fx.newKey(freshTenant());
  const asVictim = (route: string, init: RequestInit = {}) =>
    fetch(`${fx.url}${route}`, {
      ...init,
      headers: { ...init.headers, Authorization: `Bearer ${victimToken}` },
    });
  const sessionId = SessionView.parse(await (await asVictim("/v1/sessions", { method: "POST" })).json()).id;
  const dataset = Dataset.parse(
    await (
      await asVictim(`/v1/sessions/${sessionId}/datasets`, {
        method: "POST",
        headers: { "Content-Type": "text/csv" },
        body: "a,b\n1,2\n",
      })
    ).json(),
  );
  victim = { token: victimToken, sessionId, datasetId: dataset.id };
  attackerSession = SessionView.parse(await (await fx.call("/v1/sessions", { method: "POST" })).json()).id;
  attackerDataset = Dataset.parse(
    await (
      await fx.call(`/v1/sessions/${attackerSession}/datasets`, {
        method: "POST",
        headers: { "Content-Type": "text/csv" },
        body: "x,y\n1,2\n",
      })
    ).json(),
  ).id;
});
afterAll(async () => {
  await fx.close();
});

/** One request as the attacker tenant; returns the status, never leaving a stream open. */
async function hit(route: string, init: RequestInit = {}): Promise<number> {
  const headers = new Headers(init.headers);
  if (!headers.has("Authorization")) headers.set("Authorization", `Bearer ${fx.token}`);
  const response = await fetch(`${fx.url}${route}`, {
    ...init,
    headers,
    signal: AbortSignal.timeout(15_000),
  });
  if (response.headers.get("content-type")?.includes("text/event-stream")) await response.body?.cancel();
  else await response.arrayBuffer();
  return response.status;
}

async function victimStillServed(): Promise<void> {
  const response = await fetch(`${fx.url}/v1/sessions/${victim.sessionId}`, {
    headers: { Authorization: `Bearer ${victim.token}` },
  });
  expect(response.status).toBe(200);
  const view = SessionView.parse(await response.json());
  expect(view.datasets.map((dataset) => dataset.id)).toEqual([victim.datasetId]);
}

const counts: Record<keyof typeof RUNS, number> = { bodies: 0, headers: 0, ids: 0, queries: 0, uploads: 0 };

/** Runs one kind of generated request, checking no answer is a 5xx and the victim tenant is unaffected. */
async function fuzz<T>(
  kind: keyof typeof RUNS,
  arbitrary: fc.Arbitrary<T>,
  send: (value: T) => Promise<number>,
) {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      counts[kind]++;
      const status = await send(value);
      expect(status).toBeGreaterThanOrEqual(200);
      expect(status).toBeLessThan(500);
      if (counts[kind] % 100 === 0) await victimStillServed();
    }),
    { numRuns: RUNS[kind], seed: 20261126 + counts[kind] },
  );
}

const anyId = () =>
  fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.stringMatching(/^(ses|job|ds)_[0-9A-Za-z]{20,28}$/),
    fc.constantFrom(
      "ses_000000000000000000000000",
      "..",
      "%2e%2e",
      "../../etc/passwd",
      "job_AAAAAAAAAAAAAAAAAAAAAAAA",
      "report.json",
      "a".repeat(2000),
    ),
  );
const safeSegment = (id: string) => encodeURIComponent(id);
const contentTypes = fc.oneof(
  fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
    "text/csv",
    "application/x-ndjson",
    "application/vnd.apache.parquet",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded",
  ),
  fc.stringMatching(/^[a-z]{1,10}\/[a-z+.-]{1,20}$/),
);

it("never answers 5xx nor loses another tenant's session under generated requests", async () => {
  const victimStream = await fetch(`${fx.url}/v1/sessions/${victim.sessionId}/events`, {
    headers: { Authorization: `Bearer ${victim.token}` },
  });
  const victimEvents = readSse(victimStream, {
    stopWhen: (messages) => messages.some((message) => message.data.includes("still-listening")),
    timeoutMs: 600_000,
  });
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;

  const knownIds = [victim.sessionId, victim.datasetId, attackerSession, attackerDataset];
  const bodyRoutes = [
    `/v1/sessions/${attackerSession}/analyses`,
    `/v1/sessions/${victim.sessionId}/analyses`,
    "/analyze",
    "/v1/sessions",
    "/v1/jobs/job_AAAAAAAAAAAAAAAAAAAAAAAA/cancel",
  ];
  const analysisLike = fc.record(
    {
      datasetId: fc.oneof(fc.constantFrom(attackerDataset, victim.datasetId), fc.string()),
      session_id: fc.oneof(fc.constantFrom(attackerSession, victim.sessionId), fc.string()),
      query: fc.string({ maxLength: 5000 }),
      options: fc.anything(),
      hypotheses: fc.array(fc.anything(), { maxLength: 5 }),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  );
  await fuzz(
    "bodies",
    fc.record({
      route: fc.constantFrom(...bodyRoutes),
      contentType: contentTypes,
      body: fc.oneof(
        fc.jsonValue().map((value) => JSON.stringify(value)),
        analysisLike.map((value) => JSON.stringify(value)),
        fc.string({ maxLength: 2000 }),
        fc.string({ unit: "binary", maxLength: 500 }),
        fc.constantFrom(
          "{",
          '{"a":',
          "[]".repeat(10_000),
          `${"[".repeat(5000)}${"]".repeat(5000)}`,
          "\u0000",
        ),
      ),
    }),
    ({ route, contentType, body }) =>
      hit(route, { method: "POST", headers: { "Content-Type": contentType }, body }),
  );

  const forbidden = new Set([
    "connection",
    "content-length",
    "host",
    "transfer-encoding",
    "keep-alive",
    "upgrade",
    "expect",
    "te",
    "trailer",
  ]);
  const headerName = fc
    .oneof(
      fc.constantFrom(
        "Authorization",
        "Content-Type",
        "Content-Encoding",
        "Accept",
        "Last-Event-ID",
        "X-Request-Id",
        "Origin",
        "Range",
        "Cookie",
        "X-Forwarded-For",
      ),
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,30}$/),
    )
    .filter((name) => !forbidden.has(name.toLowerCase()));
  const headerValue = fc.oneof(
    fc.stringMatching(/^[\x20-\x7e]{0,300}$/),
    fc.constantFrom(
      `Bearer ${fx.token}`,
      `Bearer ${victim.token}`,
      "Bearer ",
      "bearer x",
      "1700000000000-0",
      "*/*",
      "gzip",
    ),
  );
  await fuzz(
    "headers",
    fc.record({
      route: fc.constantFrom(
        "/v1/sessions",
        `/v1/sessions/${attackerSession}`,
        `/v1/sessions/${victim.sessionId}`,
        `/v1/sessions/${attackerSession}/events`,
        "/v1/jobs/job_AAAAAAAAAAAAAAAAAAAAAAAA/report",
        "/hello",
        "/healthz",
      ),
      method: fc.constantFrom("GET", "HEAD", "OPTIONS", "POST"),
      headers: fc.dictionary(
        headerName,
        headerValue.map((value) => value.trim()),
        { maxKeys: 8 },
      ),
    }),
    ({ route, method, headers }) => hit(route, { method, headers }),
  );

  await fuzz(
    "ids",
    fc.record({
      template: fc.constantFrom(
        ["GET", "/v1/sessions/:id"],
        ["DELETE", "/v1/sessions/:id"],
        ["GET", "/v1/sessions/:id/jobs"],
        ["GET", "/v1/sessions/:id/events"],
        ["POST", "/v1/sessions/:id/datasets"],
        ["GET", "/v1/jobs/:id"],
        ["POST", "/v1/jobs/:id/cancel"],
        ["GET", "/v1/jobs/:id/report"],
        ["GET", "/v1/jobs/job_AAAAAAAAAAAAAAAAAAAAAAAA/artifacts/:id"],
        ["GET", "/session_status/:id"],
        ["GET", "/validate_session/:id"],
        ["POST", "/cleanup_session/:id"],
        ["GET", "/logs?session_id=:id"],
      ),
      id: fc.oneof(anyId(), fc.constantFrom(victim.sessionId, victim.datasetId)),
    }),
    ({ template: [method, path], id }) =>
      hit(path.replace(":id", safeSegment(id)), {
        method,
        ...(method === "POST" ? { headers: { "Content-Type": "text/csv" }, body: "a\n1\n" } : {}),
      }),
  );

  const queryValue = fc.oneof(
    fc.string({ maxLength: 100 }),
    fc.integer().map(String),
    fc.constantFrom(
      "0",
      "-1",
      "1e9",
      "NaN",
      "201",
      "100",
      "json",
      "html",
      "pdf",
      "1700000000000-0",
      ...knownIds,
    ),
  );
  await fuzz(
    "queries",
    fc.record({
      route: fc.constantFrom(
        "/v1/sessions",
        `/v1/sessions/${attackerSession}/jobs`,
        `/v1/sessions/${attackerSession}/events`,
        "/v1/jobs/job_AAAAAAAAAAAAAAAAAAAAAAAA/report",
        "/logs",
      ),
      params: fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom("limit", "cursor", "format", "lastEventId", "session_id", "access_token", "name"),
            fc.string({ maxLength: 20 }),
          ),
          queryValue,
        ),
        { maxLength: 6 },
      ),
      raw: fc.option(fc.stringMatching(/^[\x21-\x7e]{0,200}$/)),
    }),
    ({ route, params, raw }) => {
      const query = raw ?? new URLSearchParams(params).toString();
      return hit(`${route}?${query}`);
    },
  );

  const csvLike = fc
    .array(
      fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.double().map(String), fc.constant('"')), {
        maxLength: 12,
      }),
      {
        maxLength: 30,
      },
    )
    .map((rows) => rows.map((row) => row.join(",")).join("\n"));
  await fuzz(
    "uploads",
    fc.record({
      contentType: contentTypes,
      multipart: fc.boolean(),
      fileName: fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom("../../x.csv", "a.parquet", "b.jsonl", "c.tsv", "d.json"),
      ),
      body: fc.oneof(
        csvLike,
        fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes)),
        fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.concat([Buffer.from("PAR1"), bytes])),
        fc.jsonValue().map((value) => JSON.stringify(value)),
        fc
          .array(fc.jsonValue(), { maxLength: 20 })
          .map((rows) => rows.map((row) => JSON.stringify(row)).join("\n")),
      ),
    }),
    ({ contentType, multipart, fileName, body }) => {
      const route = `/v1/sessions/${attackerSession}/datasets?name=${encodeURIComponent(fileName)}`;
      if (!multipart) return hit(route, { method: "POST", headers: { "Content-Type": contentType }, body });
      const form = new FormData();
      form.append("file", new Blob([body]), fileName);
      return hit(route, { method: "POST", body: form });
    },
  );

  console.log(
    `fuzz cases run: ${Object.entries(counts)
      .map(([kind, count]) => `${kind}=${count}`)
      .join(" ")} total=${Object.values(counts).reduce((sum, count) => sum + count, 0)}`,
  );

  await victimStillServed();
  expect(await hit("/healthz")).toBe(200);
  await fx.api.services.events.append({
    type: "job:log",
    sessionId: victim.sessionId,
    jobId: "job_AAAAAAAAAAAAAAAAAAAAAAAA",
    level: "info",
    message: "still-listening",
  });
  const { messages } = await victimEvents;
  const last = AssayEvent.parse(JSON.parse(messages.at(-1)!.data));
  expect(last).toMatchObject({ type: "job:log", message: "still-listening" });

  collectGarbage();
  const growth = process.memoryUsage().heapUsed - heapBefore;
  console.log(`heap growth after GC: ${(growth / 1024 / 1024).toFixed(1)} MiB`);
  expect(growth).toBeLessThan(HEAP_GROWTH_BOUND);
}, 300_000);
