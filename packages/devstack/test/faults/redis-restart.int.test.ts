import type { StoredEvent } from "@assay/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticCsv } from "../datasets.js";
import { eventually } from "../stack-fixture.js";
import { FAULT_TEST_TIMEOUT_MS, FaultStack, FINAL, retrying, waitFinal } from "./fault-kit.js";

/** Reads a whole event stream as it stands now (follow=false), for comparing with what a live reader saw. */
async function replay(stack: FaultStack, sessionId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const stored of stack.client().sessionEvents(sessionId, { follow: false })) ids.push(stored.id);
  return ids;
}

describe("Redis killed (-9) and restarted during load", { timeout: FAULT_TEST_TIMEOUT_MS }, () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await FaultStack.start();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("answers 503 while it is gone, then every accepted job ends final and streams have no gap", async () => {
    const client = stack.client();
    const sessions = await Promise.all([client.createSession(), client.createSession()]);
    await Promise.all(sessions.map((session) => client.waitForSession(session.id)));
    const csv = syntheticCsv(60_000);
    const jobIds: string[] = [];
    for (const session of sessions) {
      const dataset = await client.uploadDataset(session.id, csv, {
        name: "load.csv",
        contentType: "text/csv",
      });
      for (let i = 0; i < 2; i++) {
        jobIds.push(
          (await client.submitAnalysis(session.id, { datasetId: dataset.id, query: `q${i}` })).jobId,
        );
      }
    }
    // A live reader per session that reconnects on its own with Last-Event-ID.
    const controller = new AbortController();
    const seen = new Map<string, StoredEvent[]>(sessions.map((session) => [session.id, []]));
    const readers = sessions.map(async (session) => {
      for await (const stored of client.sessionEvents(session.id, { signal: controller.signal })) {
        seen.get(session.id)!.push(stored);
      }
    });

    await stack.redis.process.kill();
    const outage: { status: number; code: string | undefined; ms: number }[] = [];
    const outageEnds = Date.now() + 3_000;
    while (Date.now() < outageEnds) {
      const started = Date.now();
      const response = await fetch(`${stack.apiUrl()}/v1/sessions/${sessions[0]!.id}`);
      const body = (await response.json()) as { error?: { code: string } };
      outage.push({ status: response.status, code: body.error?.code, ms: Date.now() - started });
    }
    expect(outage.length).toBeGreaterThan(0);
    for (const answer of outage) {
      expect(answer).toMatchObject({ status: 503, code: "REDIS_UNAVAILABLE" });
      // Bounded by REDIS_COMMAND_TIMEOUT_MS (1 s here), with room for a loaded CI machine.
      expect(answer.ms).toBeLessThan(10_000);
    }
    await stack.redis.up();

    const finals = await Promise.all(jobIds.map((jobId) => waitFinal(client, jobId)));
    for (const job of finals) expect(FINAL).toContain(job.status);
    expect(finals.map((job) => job.status)).toEqual(jobIds.map(() => "succeeded"));

    // The workers reconnected (their Redis users came back): a new job in each session succeeds.
    for (const session of sessions) {
      const [dataset] = (await retrying(() => client.getSession(session.id))).datasets;
      const accepted = await client.submitAnalysis(session.id, { datasetId: dataset!.id, query: "after" });
      expect((await waitFinal(client, accepted.jobId)).status).toBe("succeeded");
    }

    // Each live reader saw exactly the stored stream: same ids, same order, no gap, no duplicate.
    for (const session of sessions) {
      const stored = await replay(stack, session.id);
      const live = seen.get(session.id)!;
      await eventually(
        async () => (live.length >= stored.length ? true : undefined),
        10_000,
        "the live reader",
      );
      expect(live.slice(0, stored.length).map((event) => event.id)).toEqual(stored);
    }
    controller.abort();
    await Promise.all(readers);
  });
});
