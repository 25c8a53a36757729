import { AssayEvent, SessionView } from "@assay/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, startApi } from "./api-fixture.js";
import { readSse, type SseMessage } from "./sse-client.js";

let fx: ApiFixture;

beforeAll(async () => {
  fx = await startApi();
});
afterAll(async () => {
  await fx.close();
});

const call = (route: string, init?: RequestInit) => fx.call(route, init);

async function newSession(): Promise<string> {
  return SessionView.parse(await (await call("/v1/sessions", { method: "POST" })).json()).id;
}

const JOB_A = "job_AAAAAAAAAAAAAAAAAAAAAAAA";
const JOB_B = "job_BBBBBBBBBBBBBBBBBBBBBBBB";
const log = (sessionId: string, jobId: string, message: string) =>
  fx.api.services.events.append({ type: "job:log", sessionId, jobId, level: "info", message });
const messagesOf = (messages: SseMessage[]) =>
  messages
    .map((message) => AssayEvent.parse(JSON.parse(message.data)))
    .map((event) => ("message" in event ? event.message : event.type));

describe("session event streams", () => {
  it("replay from the start, then follow live events", async () => {
    const sessionId = await newSession();
    await log(sessionId, JOB_A, "one");
    const response = await call(`/v1/sessions/${sessionId}/events`);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reading = readSse(response, { stopWhen: (messages) => messages.length === 3 });
    await log(sessionId, JOB_A, "two");
    const { messages } = await reading;
    expect(messagesOf(messages)).toEqual(["session:created", "one", "two"]);
    expect(messages.map((message) => message.event)).toEqual(["session:created", "job:log", "job:log"]);
  });

  it("resume after Last-Event-ID with exactly the missed events, by header or query", async () => {
    const sessionId = await newSession();
    const ids: string[] = [];
    for (const message of ["a", "b", "c", "d"]) ids.push(await log(sessionId, JOB_A, message));
    const byHeader = await readSse(
      await call(`/v1/sessions/${sessionId}/events`, { headers: { "Last-Event-ID": ids[1]! } }),
      {
        stopWhen: (messages) => messages.length === 2,
      },
    );
    expect(messagesOf(byHeader.messages)).toEqual(["c", "d"]);
    expect(byHeader.messages.map((message) => message.id)).toEqual(ids.slice(2));
    const byQuery = await readSse(await call(`/v1/sessions/${sessionId}/events?lastEventId=${ids[2]}`), {
      stopWhen: (messages) => messages.length === 1,
    });
    expect(messagesOf(byQuery.messages)).toEqual(["d"]);
    const bad = await call(`/v1/sessions/${sessionId}/events`, { headers: { "Last-Event-ID": "yesterday" } });
    expect(bad.status).toBe(400);
  });

  it("never mix two sessions' events, and share one tail per session", async () => {
    const first = await newSession();
    const second = await newSession();
    const stop = (messages: SseMessage[]) => messages.length === 3;
    const readers = [
      readSse(await call(`/v1/sessions/${first}/events`), { stopWhen: stop }),
      readSse(await call(`/v1/sessions/${first}/events`), { stopWhen: stop }),
      readSse(await call(`/v1/sessions/${second}/events`), { stopWhen: stop }),
    ];
    for (let i = 0; i < 2; i++) {
      await log(first, JOB_A, `first-${i}`);
      await log(second, JOB_B, `second-${i}`);
    }
    const [a, b, c] = await Promise.all(readers);
    expect(messagesOf(a!.messages)).toEqual(["session:created", "first-0", "first-1"]);
    expect(messagesOf(b!.messages)).toEqual(["session:created", "first-0", "first-1"]);
    expect(messagesOf(c!.messages)).toEqual(["session:created", "second-0", "second-1"]);
  });

  it("answer 404 for an unknown session and serve the seed /logs route", async () => {
    expect((await call("/v1/sessions/ses_000000000000000000000000/events")).status).toBe(404);
    const sessionId = await newSession();
    const seed = await readSse(await call(`/logs?session_id=${sessionId}`), {
      stopWhen: (messages) => messages.length === 1,
    });
    expect(messagesOf(seed.messages)).toEqual(["session:created"]);
  });
});

describe("job event streams", () => {
  async function newJob(sessionId: string, jobId: string) {
    await fx.api.services.jobs.create({
      jobId,
      sessionId,
      datasetId: "ds_AAAAAAAAAAAAAAAAAAAAAAAA",
      query: "q",
      options: { llm: "off", alpha: 0.05 },
      submittedAt: new Date().toISOString(),
    });
  }

  it("carry only the job's events and end after its final event", async () => {
    const sessionId = await newSession();
    await newJob(sessionId, JOB_A);
    await newJob(sessionId, JOB_B);
    const reading = readSse(await call(`/v1/jobs/${JOB_A}/events`));
    await log(sessionId, JOB_B, "other job");
    await log(sessionId, JOB_A, "working");
    await fx.api.services.jobs.update(
      sessionId,
      JOB_A,
      { status: "cancelled" },
      { type: "job:cancelled", sessionId, jobId: JOB_A },
    );
    const { messages, ended } = await reading;
    expect(ended).toBe(true);
    expect(messagesOf(messages)).toEqual(["job:queued", "working", "job:cancelled"]);
  });

  it("replay and end at once for a job that already finished", async () => {
    const sessionId = await newSession();
    await newJob(sessionId, JOB_A);
    await fx.api.services.jobs.update(
      sessionId,
      JOB_A,
      { status: "cancelled" },
      { type: "job:cancelled", sessionId, jobId: JOB_A },
    );
    const { messages, ended } = await readSse(await call(`/v1/jobs/${JOB_A}/events`));
    expect(ended).toBe(true);
    expect(messagesOf(messages)).toEqual(["job:queued", "job:cancelled"]);
    expect((await call("/v1/jobs/job_000000000000000000000000/events")).status).toBe(404);
  });

  it("end after the replay with ?follow=false, for a running job and for a session", async () => {
    const sessionId = await newSession();
    await newJob(sessionId, JOB_B);
    await log(sessionId, JOB_B, "stored");
    const job = await readSse(await call(`/v1/jobs/${JOB_B}/events?follow=false`));
    expect(job.ended).toBe(true);
    expect(messagesOf(job.messages)).toEqual(["job:queued", "stored"]);
    const session = await readSse(await call(`/v1/sessions/${sessionId}/events?follow=false`));
    expect(session.ended).toBe(true);
    expect(messagesOf(session.messages)).toEqual(["session:created", "job:queued", "stored"]);
    const seed = await readSse(await call(`/logs?session_id=${sessionId}&follow=false`));
    expect(seed.ended).toBe(true);
    expect(seed.messages).toHaveLength(3);
    expect((await call(`/v1/sessions/${sessionId}/events?follow=maybe`)).status).toBe(400);
  });
});
