import type { AssayEvent, StoredEvent } from "@assay/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive } from "../src/index.js";
import { readVegaDataset } from "./datasets.js";
import { eventually, startTestStack, type TestStack } from "./stack-fixture.js";

const collect = async (events: AsyncIterable<StoredEvent>) => {
  const all: StoredEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
};

describe("the whole path through real processes", () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("session → upload → analysis with live events → status → report in three formats → delete", async () => {
    const session = await t.client.createSession();
    expect(session.id).toMatch(/^ses_/);
    const ready = await t.client.waitForSession(session.id);
    expect(ready.worker?.runtime).toBe("process");

    const csv = await readVegaDataset("seattle-weather.csv");
    const dataset = await t.client.uploadDataset(session.id, csv, {
      name: "seattle-weather.csv",
      contentType: "text/csv",
    });
    expect(dataset).toMatchObject({ format: "csv", rows: 1461, bytes: csv.length });
    expect(dataset.columns.map((column) => column.name)).toEqual([
      "date",
      "precipitation",
      "temp_max",
      "temp_min",
      "wind",
      "weather",
    ]);

    const accepted = await t.client.submitAnalysis(session.id, {
      datasetId: dataset.id,
      query: "temp_max by weather",
    });
    expect(accepted.status).toBe("queued");
    const events = await collect(t.client.jobEvents(accepted.jobId));
    const types = events.map(({ event }) => event.type);
    expect(types[0]).toBe("job:queued");
    expect(types.indexOf("job:started")).toBeGreaterThan(0);
    expect(types.indexOf("job:progress")).toBeGreaterThan(types.indexOf("job:started"));
    expect(types.at(-1)).toBe("job:succeeded");
    expect(types.filter((type) => type === "job:succeeded")).toHaveLength(1);
    // Stream ids only grow.
    const ids = events.map(({ id }) => id);
    expect([...ids].sort(compareIds)).toEqual(ids);

    const job = await t.client.getJob(accepted.jobId);
    expect(job).toMatchObject({ status: "succeeded", sessionId: session.id, datasetId: dataset.id });
    expect(job.finishedAt).not.toBeNull();
    expect(job.result?.rows).toBe(1461);

    const report = await t.client.report(accepted.jobId, "json");
    expect(report.profile.rows).toBe(1461);
    expect(report.profile.columnProfiles.find((column) => column.name === "temp_max")?.numeric?.max).toBe(
      35.6,
    );
    const markdown = await t.client.report(accepted.jobId, "markdown");
    expect(markdown).toContain("temp_max");
    const html = await t.client.report(accepted.jobId, "html");
    expect(html).toMatch(/^<!doctype html>/i);

    const worker = (await t.client.getSession(session.id)).worker!;
    const pid = (await t.workerPids()).get(worker.id);
    expect(pid).toBeDefined();
    await t.client.deleteSession(session.id);
    await eventually(async () => (isAlive(pid!) ? undefined : true), 20_000, "worker to stop");
    await eventually(
      async () =>
        t.client.getSession(session.id).then(
          () => undefined,
          (error: { status: number }) => error.status,
        ),
      20_000,
      "session to be purged",
    ).then((status) => expect(status).toBe(404));
  });

  it("replays exactly the events after Last-Event-ID, and two sessions never mix", async () => {
    const csv = await readVegaDataset("seattle-weather.csv");
    const run = async () => {
      const session = await t.client.createSession();
      const dataset = await t.client.uploadDataset(session.id, csv, {
        name: "w.csv",
        contentType: "text/csv",
      });
      const accepted = await t.client.submitAnalysis(session.id, { datasetId: dataset.id, query: "summary" });
      return { session, jobId: accepted.jobId };
    };
    const [a, b] = await Promise.all([run(), run()]);
    const [eventsA, eventsB] = await Promise.all([
      collect(t.client.jobEvents(a.jobId)),
      collect(t.client.jobEvents(b.jobId)),
    ]);
    const sessionOf = (events: StoredEvent[]) => new Set(events.map(({ event }) => event.sessionId));
    expect(sessionOf(eventsA)).toEqual(new Set([a.session.id]));
    expect(sessionOf(eventsB)).toEqual(new Set([b.session.id]));
    expect(
      new Set(eventsA.map(({ event }) => (event as Extract<AssayEvent, { jobId: string }>).jobId)),
    ).toEqual(new Set([a.jobId]));

    const middle = eventsA[Math.floor(eventsA.length / 2)]!;
    const replay = await collect(t.client.jobEvents(a.jobId, { lastEventId: middle.id }));
    expect(replay).toEqual(eventsA.slice(eventsA.indexOf(middle) + 1));

    // The session stream carries the same job events, plus session lifecycle events.
    const controller = new AbortController();
    const sessionEvents: StoredEvent[] = [];
    for await (const stored of t.client.sessionEvents(a.session.id, { signal: controller.signal })) {
      sessionEvents.push(stored);
      if (stored.id === eventsA.at(-1)!.id) controller.abort();
    }
    expect(sessionEvents.map(({ event }) => event.type)).toContain("session:ready");
    expect(sessionEvents.filter(({ event }) => "jobId" in event)).toEqual(eventsA);
  });
});

function compareIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(Number) as [number, number];
  const [bm, bs] = b.split("-").map(Number) as [number, number];
  return am === bm ? as - bs : am - bm;
}
