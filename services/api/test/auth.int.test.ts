import { Writable } from "node:stream";
import { createKey, revokeKey, setTenantLimitOverrides } from "@assay/auth";
import { Dataset, ErrorBody, JobList, SessionList, SessionView } from "@assay/contracts";
import { parseEnv } from "@assay/runtime";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { InsecureAuthConfig } from "../src/auth/auth-config.js";
import { ApiEnv } from "../src/env.js";
import { type ApiFixture, freshTenant, startApi } from "./api-fixture.js";

const auditLines: Record<string, unknown>[] = [];
const auditSink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split("\n").filter(Boolean)) {
      const record = JSON.parse(line) as Record<string, unknown>;
      if (record.audit) auditLines.push(record);
    }
    done();
  },
});

let fx: ApiFixture;
beforeAll(async () => {
  fx = await startApi(
    { CORS_ORIGINS: "https://dash.example" },
    { logger: pino({ level: "info" }, auditSink) },
  );
});
afterAll(async () => {
  await fx.close();
});

const anonymous = (route: string, init?: RequestInit) => fetch(`${fx.url}${route}`, init);
const as =
  (token: string) =>
  (route: string, init: RequestInit = {}) =>
    fetch(`${fx.url}${route}`, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` } });

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = ErrorBody.parse(await response.json());
  expect(body.error.code).toBe(code);
  return body;
}
async function newSession(call = fx.call): Promise<string> {
  const response = await call("/v1/sessions", { method: "POST" });
  expect(response.status).toBe(201);
  return SessionView.parse(await response.json()).id;
}
async function uploadCsv(sessionId: string, call = fx.call): Promise<Dataset> {
  const response = await call(`/v1/sessions/${sessionId}/datasets?name=t.csv`, {
    method: "POST",
    headers: { "Content-Type": "text/csv" },
    body: "a,b\n1,2\n3,4\n",
  });
  expect(response.status).toBe(201);
  return Dataset.parse(await response.json());
}
async function submit(sessionId: string, datasetId: string, call = fx.call) {
  return call(`/v1/sessions/${sessionId}/analyses`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ datasetId, query: "q" }),
  });
}

describe("API keys", () => {
  it("guard every route but the probes: 401 with WWW-Authenticate for missing, malformed, wrong and revoked keys", async () => {
    const sessionId = await newSession();
    const routes = [
      ["POST", "/v1/sessions"],
      ["GET", "/v1/sessions"],
      ["GET", `/v1/sessions/${sessionId}`],
      ["GET", `/v1/sessions/${sessionId}/events`],
      ["GET", `/v1/sessions/${sessionId}/jobs`],
      ["GET", "/v1/jobs/job_000000000000000000000000/artifacts/report.json"],
      ["GET", "/hello"],
      ["GET", "/session_id"],
      ["GET", `/logs?session_id=${sessionId}`],
      ["GET", "/v1/no-such-route"],
    ] as const;
    const { key, token } = await createKey(fx.redis, fx.api.services.keys, fx.tenant).then((created) => ({
      key: created.key,
      token: created.token,
    }));
    await revokeKey(fx.redis, fx.api.services.keys, key.keyId);
    const wrongSecret = `${fx.token.slice(0, -4)}AAAA`;
    for (const [method, route] of routes) {
      for (const authorization of [
        undefined,
        "Bearer nope",
        `Bearer ${wrongSecret}`,
        `Bearer ${token}`,
        `Basic ${fx.token}`,
      ]) {
        const response = await anonymous(route, {
          method,
          headers: authorization ? { Authorization: authorization } : {},
        });
        await expectError(response, 401, "UNAUTHORIZED");
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      }
    }
    expect((await anonymous("/healthz")).status).toBe(200);
    expect((await anonymous("/readyz")).status).toBe(503); // no scheduler, but no key needed
    expect((await fx.call(`/v1/sessions/${sessionId}`)).status).toBe(200);
  });

  it("take ?access_token= on event streams only", async () => {
    const sessionId = await newSession();
    const stream = await anonymous(`/v1/sessions/${sessionId}/events?access_token=${fx.token}`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    await stream.body?.cancel();
    await expectError(
      await anonymous(`/v1/sessions/${sessionId}?access_token=${fx.token}`),
      401,
      "UNAUTHORIZED",
    );
    await expectError(await anonymous(`/v1/sessions?access_token=${fx.token}`), 401, "UNAUTHORIZED");
  });

  it("write audit lines for key use, session creation and deletion, and auth failures, never the secret", async () => {
    auditLines.length = 0;
    const sessionId = await newSession();
    await fx.call(`/v1/sessions/${sessionId}`, { method: "DELETE" });
    await anonymous("/v1/sessions", { headers: { Authorization: "Bearer ak_AAAAAAAAAAAAAAAA_wrong" } });
    const keyId = fx.token.split("_")[1];
    expect(auditLines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: "session.created", sessionId, tenant: fx.tenant, keyId }),
        expect.objectContaining({ event: "session.deleted", sessionId, tenant: fx.tenant, keyId }),
        expect.objectContaining({
          event: "key.used",
          keyId,
          tenant: fx.tenant,
          path: "/v1/sessions",
          status: 201,
        }),
        expect.objectContaining({ event: "key.used", keyId, path: `/v1/sessions/${sessionId}`, status: 204 }),
        expect.objectContaining({ event: "auth.failed", keyId: "AAAAAAAAAAAAAAAA", path: "/v1/sessions" }),
      ]),
    );
    expect(JSON.stringify(auditLines)).not.toContain(fx.token.split("_")[2]);
  });
});

describe("tenant isolation", () => {
  it("answers another tenant's ids exactly like unknown ids", async () => {
    const sessionId = await newSession();
    const dataset = await uploadCsv(sessionId);
    const { jobId } = await (await submit(sessionId, dataset.id)).json();
    const other = as(await fx.newKey(freshTenant()));
    const unknownSession = "ses_000000000000000000000000";
    const unknownJob = "job_000000000000000000000000";

    const pairs: [string, string, RequestInit?][] = [
      [`/v1/sessions/${sessionId}`, `/v1/sessions/${unknownSession}`],
      [`/v1/sessions/${sessionId}/jobs`, `/v1/sessions/${unknownSession}/jobs`],
      [`/v1/sessions/${sessionId}/events`, `/v1/sessions/${unknownSession}/events`],
      [`/v1/sessions/${sessionId}`, `/v1/sessions/${unknownSession}`, { method: "DELETE" }],
      [
        `/v1/sessions/${sessionId}/datasets`,
        `/v1/sessions/${unknownSession}/datasets`,
        { method: "POST", headers: { "Content-Type": "text/csv" }, body: "a\n1\n" },
      ],
      [`/v1/jobs/${jobId}`, `/v1/jobs/${unknownJob}`],
      [`/v1/jobs/${jobId}/events`, `/v1/jobs/${unknownJob}/events`],
      [`/v1/jobs/${jobId}/report`, `/v1/jobs/${unknownJob}/report`],
      [`/v1/jobs/${jobId}/artifacts/report.json`, `/v1/jobs/${unknownJob}/artifacts/report.json`],
      [`/v1/jobs/${jobId}/cancel`, `/v1/jobs/${unknownJob}/cancel`, { method: "POST" }],
      [`/session_status/${sessionId}`, `/session_status/${unknownSession}`],
    ];
    const withoutIds = (body: ErrorBody) => ({
      code: body.error.code,
      message: body.error.message
        .replaceAll(sessionId, "ID")
        .replaceAll(unknownSession, "ID")
        .replaceAll(jobId, "ID")
        .replaceAll(unknownJob, "ID"),
    });
    for (const [theirs, unknown, init] of pairs) {
      const a = await other(theirs, init);
      const b = await other(unknown, init);
      expect(a.status, theirs).toBe(404);
      expect(b.status, unknown).toBe(404);
      expect(withoutIds(ErrorBody.parse(await a.json()))).toEqual(
        withoutIds(ErrorBody.parse(await b.json())),
      );
    }
    const otherSession = await newSession(other);
    await expectError(await submit(otherSession, dataset.id, other), 404, "DATASET_NOT_FOUND");
    expect(await (await other(`/validate_session/${sessionId}`)).json()).toEqual({
      session_id: sessionId,
      valid: false,
    });
    // Still intact for its owner.
    expect((await fx.call(`/v1/sessions/${sessionId}`)).status).toBe(200);
    expect((await fx.call(`/v1/jobs/${jobId}`)).status).toBe(200);
  });

  it("lists only the tenant's live sessions, newest first, page by page", async () => {
    const call = as(await fx.newKey(freshTenant()));
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push(await newSession(call));
    await newSession(); // another tenant's
    await call(`/v1/sessions/${created[0]}`, { method: "DELETE" });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const page = SessionList.parse(await (await call(`/v1/sessions${query}`)).json());
      expect(page.sessions.length).toBeLessThanOrEqual(2);
      seen.push(...page.sessions.map((session) => session.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(created.slice(1).reverse());
    await expectError(await call("/v1/sessions?limit=0"), 400, "VALIDATION_FAILED");
    await expectError(await call("/v1/sessions?cursor=garbage"), 400, "VALIDATION_FAILED");
  });

  it("lists a session's jobs, newest first", async () => {
    const sessionId = await newSession();
    const dataset = await uploadCsv(sessionId);
    const jobIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      jobIds.push((await (await submit(sessionId, dataset.id)).json()).jobId);
      await new Promise((resolve) => setTimeout(resolve, 2)); // distinct submit times
    }
    const list = JobList.parse(await (await fx.call(`/v1/sessions/${sessionId}/jobs`)).json());
    expect(list.jobs.map((job) => job.id)).toEqual(jobIds.reverse());
    expect(list.nextCursor).toBeNull();
  });
});

describe("quotas and rate limits", () => {
  it("caps live sessions per tenant with 429 QUOTA_EXCEEDED and Retry-After; deleting frees a place", async () => {
    const tenant = freshTenant();
    const call = as(await fx.newKey(tenant));
    await setTenantLimitOverrides(fx.redis, fx.api.services.keys, tenant, { sessions: 2 });
    const first = await newSession(call);
    await newSession(call);
    const refused = await call("/v1/sessions", { method: "POST" });
    await expectError(refused, 429, "QUOTA_EXCEEDED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    await expectError(await call("/session_id"), 429, "QUOTA_EXCEEDED");
    await call(`/v1/sessions/${first}`, { method: "DELETE" });
    await newSession(call);
  });

  it("caps unfinished jobs per tenant; a cancelled one frees its place", async () => {
    const tenant = freshTenant();
    const call = as(await fx.newKey(tenant));
    await setTenantLimitOverrides(fx.redis, fx.api.services.keys, tenant, { concurrentJobs: 1 });
    const sessionId = await newSession(call);
    const dataset = await uploadCsv(sessionId, call);
    const accepted = await submit(sessionId, dataset.id, call);
    expect(accepted.status).toBe(202);
    await expectError(await submit(sessionId, dataset.id, call), 429, "QUOTA_EXCEEDED");
    const { jobId } = await accepted.json();
    expect((await call(`/v1/jobs/${jobId}/cancel`, { method: "POST" })).status).toBe(202);
    expect((await submit(sessionId, dataset.id, call)).status).toBe(202);
  });

  it("a refused submit takes no place, and a finished job's place is reclaimed when the cap is reached", async () => {
    const tenant = freshTenant();
    const call = as(await fx.newKey(tenant));
    await setTenantLimitOverrides(fx.redis, fx.api.services.keys, tenant, { concurrentJobs: 1 });
    const sessionId = await newSession(call);
    const dataset = await uploadCsv(sessionId, call);
    await expectError(await submit(sessionId, "ds_000000000000000000000000", call), 404, "DATASET_NOT_FOUND");
    const accepted = await submit(sessionId, dataset.id, call);
    expect(accepted.status).toBe(202);
    const { jobId } = await accepted.json();
    await fx.redis.hset(fx.api.services.keys.job(sessionId, jobId), "status", "succeeded");
    expect((await submit(sessionId, dataset.id, call)).status).toBe(202);
  });

  it("caps upload bytes per day", async () => {
    const tenant = freshTenant();
    const call = as(await fx.newKey(tenant));
    await setTenantLimitOverrides(fx.redis, fx.api.services.keys, tenant, { uploadBytesPerDay: 20 });
    const sessionId = await newSession(call);
    await uploadCsv(sessionId, call); // 12 bytes
    const refused = await call(`/v1/sessions/${sessionId}/datasets`, {
      method: "POST",
      headers: { "Content-Type": "text/csv" },
      body: "a,b\n1,2\n3,4\n",
    });
    await expectError(refused, 429, "QUOTA_EXCEEDED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("limits requests per minute per tenant with 429 RATE_LIMITED, without touching other tenants", async () => {
    const tenant = freshTenant();
    const call = as(await fx.newKey(tenant));
    await setTenantLimitOverrides(fx.redis, fx.api.services.keys, tenant, { requestsPerMinute: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await call("/v1/sessions")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await call("/v1/sessions");
    await expectError(limited, 429, "RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await fx.call("/v1/sessions")).status).toBe(200);
  });
});

describe("defaults", () => {
  it("sends security headers, and CORS grants only to listed origins", async () => {
    const response = await fx.call("/v1/sessions", { headers: { Origin: "https://dash.example" } });
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toContain("default-src");
    expect(response.headers.get("access-control-allow-origin")).toBe("https://dash.example");
    const elsewhere = await fx.call("/v1/sessions", { headers: { Origin: "https://evil.example" } });
    expect(elsewhere.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await anonymous("/v1/sessions", {
      method: "OPTIONS",
      headers: { Origin: "https://dash.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Authorization");
  });
});

describe("AUTH_DISABLED", () => {
  it("serves without keys as tenant 'local' on loopback", async () => {
    const local = await startApi({ AUTH_DISABLED: "true" }, { withKey: false });
    try {
      const response = await fetch(`${local.url}/v1/sessions`, { method: "POST" });
      expect(response.status).toBe(201);
      const { id } = SessionView.parse(await response.json());
      expect((await local.api.services.sessions.get(id))?.tenantId).toBe("local");
    } finally {
      await local.close();
    }
  });

  it("refuses to start that way on a non-loopback HOST", () => {
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "example.com"]) {
      const env = parseEnv(ApiEnv, { AUTH_DISABLED: "true", HOST: host, LOG_LEVEL: "silent" });
      expect(() => createApp({ env, logger: pino({ level: "silent" }) })).toThrow(InsecureAuthConfig);
    }
  });
});
