import { SessionView } from "@assay/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, startApi } from "./api-fixture.js";
import { readSse } from "./sse-client.js";

let fx: ApiFixture;

beforeAll(async () => {
  fx = await startApi();
});
afterAll(async () => {
  await fx.close();
});

const JOB = "job_AAAAAAAAAAAAAAAAAAAAAAAA";

describe("a client resuming while others follow the session", () => {
  it("replays exactly the events after its Last-Event-ID from the tail's memory, even once Redis trimmed them", async () => {
    const sessionId = SessionView.parse(await (await fx.call("/v1/sessions", { method: "POST" })).json()).id;
    const log = (message: string) =>
      fx.api.services.events.append({ type: "job:log", sessionId, jobId: JOB, level: "info", message });
    // A follower keeps the session's tail running while the events arrive and the others resume.
    const following = readSse(await fx.call(`/v1/sessions/${sessionId}/events`), { timeoutMs: 3_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ids: string[] = [];
    for (const message of ["a", "b", "c", "d", "e"]) ids.push(await log(message));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Only the tail's memory still has them now.
    await fx.redis.xtrim(fx.api.services.keys.sessionEvents(sessionId), "MAXLEN", 0);
    // A live resume (a ?follow=false one must end with all of Redis's stream, so it reads Redis).
    const resumeAfter = async (afterId: string, expected: number) => {
      const response = await fx.call(`/v1/sessions/${sessionId}/events`, {
        headers: { "Last-Event-ID": afterId },
      });
      const read = await readSse(response, {
        stopWhen: (messages) => messages.length === expected,
        timeoutMs: 500,
      });
      return read.messages.map((message) => message.id);
    };
    expect(await resumeAfter(ids[1]!, 3)).toEqual(ids.slice(2));
    expect(await resumeAfter(ids[4]!, 1)).toEqual([]);
    const followed = (await following).messages.filter((message) => message.event === "job:log");
    expect(followed.map((message) => message.id)).toEqual(ids);
  });
});
