import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createLogger } from "@assay/runtime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AbandonedUploadSweeper } from "./abandoned-upload-sweeper.js";

describe("AbandonedUploadSweeper", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "assay-sweep-"));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("removes upload temp files older than the upload timeout, and nothing else", async () => {
    const datasets = path.join(dataDir, "sessions", "ses_a", "datasets");
    const jobs = path.join(dataDir, "sessions", "ses_a", "jobs", "job_a");
    await mkdir(datasets, { recursive: true });
    await mkdir(jobs, { recursive: true });
    const old = (Date.now() - 60_000) / 1_000;
    const files = {
      abandoned: path.join(datasets, "ds_1.csv.tmp-0a1b2c"),
      running: path.join(datasets, "ds_2.csv.tmp-3d4e5f"),
      stored: path.join(datasets, "ds_3.csv"),
      artifact: path.join(jobs, "report.md.tmp-6a7b8c"),
    };
    for (const file of Object.values(files)) await writeFile(file, "x");
    for (const file of [files.abandoned, files.stored, files.artifact]) await utimes(file, old, old);

    const sweeper = new AbandonedUploadSweeper(dataDir, 10_000, createLogger("test", "silent"));
    await sweeper.sweep();
    await sweeper.close();

    expect((await readdir(datasets)).sort()).toEqual(["ds_2.csv.tmp-3d4e5f", "ds_3.csv"]);
    // Artifact temp files belong to workers, which clear a job dir themselves.
    expect(await readdir(jobs)).toEqual(["report.md.tmp-6a7b8c"]);
  });

  it("closes twice and sweeps a missing data dir without error", async () => {
    const sweeper = new AbandonedUploadSweeper(
      path.join(dataDir, "none"),
      10_000,
      createLogger("test", "silent"),
    );
    sweeper.start();
    await sweeper.close();
    await sweeper.close();
  });
});
