import { parseSse } from "@assay/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readVegaDataset } from "./datasets.js";
import { startTestStack, type TestStack } from "./stack-fixture.js";

describe("the seed's endpoints, over the same code", () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(async () => {
    await t?.close();
  });
  const get = (path: string, init?: RequestInit) => fetch(`${t.stack.apiUrl}${path}`, init);

  it("hello, session_id, validate, status, analyze, logs, cleanup", async () => {
    expect(await (await get("/hello")).json()).toEqual({ message: "Hello from Assay" });

    const { session_id: sessionId } = (await (await get("/session_id")).json()) as { session_id: string };
    expect(sessionId).toMatch(/^ses_/);
    expect(await (await get(`/validate_session/${sessionId}`)).json()).toEqual({
      session_id: sessionId,
      valid: true,
    });
    expect(await (await get("/validate_session/ses_doesnotexist")).json()).toMatchObject({ valid: false });
    const status = (await (await get(`/session_status/${sessionId}`)).json()) as { status: string };
    expect(["starting", "ready"]).toContain(status.status);

    await t.client.uploadDataset(sessionId, await readVegaDataset("seattle-weather.csv"), {
      name: "weather.csv",
      contentType: "text/csv",
    });
    const analyze = await get("/analyze", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ session_id: sessionId, query: "wind by weather" }),
    });
    expect(analyze.status).toBe(202);
    const { job_id: jobId } = (await analyze.json()) as { job_id: string };
    expect((await t.client.waitForJob(jobId)).status).toBe("succeeded");

    const controller = new AbortController();
    const logs = await get(`/logs?session_id=${sessionId}`, { signal: controller.signal });
    expect(logs.headers.get("content-type")).toContain("text/event-stream");
    const seen: string[] = [];
    for await (const message of parseSse(logs.body!)) {
      seen.push(message.event);
      if (message.event === "job:succeeded") break;
    }
    controller.abort();
    expect(seen).toContain("job:started");

    const cleanup = await get(`/cleanup_session/${sessionId}`, { method: "POST" });
    expect(cleanup.status).toBe(200);
    // A deleted session is purged once its worker has stopped, which can be before this read: then
    // it answers 404 like an unknown id.
    const afterCleanup = await get(`/session_status/${sessionId}`);
    const body = (await afterCleanup.json()) as { status?: string; error?: { code: string } };
    expect(afterCleanup.status === 404 ? body.error?.code : body.status).toMatch(
      /^(stopping|stopped|SESSION_NOT_FOUND)$/,
    );
  });
});
