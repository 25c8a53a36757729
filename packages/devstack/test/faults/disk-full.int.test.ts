import { execFile } from "node:child_process";
import { mkdtemp, rm, rmdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { AssayApiError } from "@assay/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticCsv } from "../datasets.js";
import { FAULT_TEST_TIMEOUT_MS, FaultStack, waitFinal } from "./fault-kit.js";

const run = promisify(execFile);

/** Fills the file system at `dir` to the last byte with one file. */
async function fillDisk(dir: string): Promise<string> {
  const filler = path.join(dir, "filler");
  // dd stops with "No space left on device" (exit 1) once the disk is full: that is the point.
  await run("dd", ["if=/dev/zero", `of=${filler}`, "bs=64k"]).catch(() => {});
  return filler;
}

describe("the data directory runs full (a 24 MB tmpfs)", { timeout: FAULT_TEST_TIMEOUT_MS }, () => {
  let mountDir: string;
  let stack: FaultStack;
  beforeAll(async () => {
    mountDir = await mkdtemp(path.join(os.tmpdir(), "assay-tmpfs-"));
    await run("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", mountDir]);
    stack = await FaultStack.start({ dataDir: path.join(mountDir, "data"), env: { JOB_ATTEMPTS: "2" } });
  });
  afterAll(async () => {
    await stack?.close();
    if (mountDir) {
      await run("umount", [mountDir]).catch(() => {});
      await rmdir(mountDir).catch(() => {});
    }
  });

  it("uploads answer 507, jobs fail with INSUFFICIENT_STORAGE, and all works again once space returns", async () => {
    const client = stack.client();
    const session = await client.createSession();
    await client.waitForSession(session.id);
    const csv = syntheticCsv(20_000);
    const dataset = await client.uploadDataset(session.id, csv, { name: "ok.csv", contentType: "text/csv" });

    const filler = await fillDisk(mountDir);
    const refused = await client
      .uploadDataset(session.id, csv, { name: "full.csv", contentType: "text/csv" })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(AssayApiError);
    expect(refused).toMatchObject({ status: 507, code: "INSUFFICIENT_STORAGE" });
    // The refused upload left nothing behind: the session lists only the first dataset.
    expect((await client.getSession(session.id)).datasets.map((entry) => entry.id)).toEqual([dataset.id]);

    const { jobId } = await client.submitAnalysis(session.id, { datasetId: dataset.id, query: "no room" });
    const failed = await waitFinal(client, jobId);
    expect(failed.status).toBe("failed");
    expect(failed.error?.code).toBe("INSUFFICIENT_STORAGE");

    await rm(filler);
    const again = await client.uploadDataset(session.id, csv, { name: "again.csv", contentType: "text/csv" });
    const next = await client.submitAnalysis(session.id, { datasetId: again.id, query: "room again" });
    expect((await waitFinal(client, next.jobId)).status).toBe("succeeded");
  });
});
