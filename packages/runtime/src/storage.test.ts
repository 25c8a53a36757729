import { mkdir, mkdtemp, readdir, readFile, rename, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalStorage } from "./storage.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "storage-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function untilTempFileIn(dir: string): Promise<void> {
  for (let wait = 0; wait < 100; wait++) {
    if ((await readdir(dir).catch(() => [])).some((name) => name.includes(".tmp-"))) return;
    await sleep(5);
  }
  throw new Error(`no temporary file appeared in ${dir}`);
}

describe("LocalStorage.write", () => {
  it("finishes a write whose temporary file is away while its directory is handed over", async () => {
    const storage = new LocalStorage(root);
    const dir = path.join(root, "sessions", "ses_1", "datasets");
    const aside = path.join(root, "pool", "p1", "datasets");
    const source = new PassThrough();
    const writing = storage.write("sessions/ses_1/datasets/ds_1.csv", source);
    source.write("a,b\n");
    await untilTempFileIn(dir);
    // As the warm pool's hand-over does: the entries leave with a directory that then comes back.
    await mkdir(path.dirname(aside), { recursive: true });
    await rename(dir, aside);
    source.end("1,2\n");
    await sleep(60);
    await rename(aside, dir);
    await expect(writing).resolves.toEqual({ bytes: 8 });
    expect(await readFile(path.join(dir, "ds_1.csv"), "utf8")).toBe("a,b\n1,2\n");
    expect(await readdir(dir)).toEqual(["ds_1.csv"]);
  });

  it("fails a write whose temporary file stays gone, and leaves nothing behind", async () => {
    const storage = new LocalStorage(root);
    const dir = path.join(root, "sessions", "ses_1", "datasets");
    const source = new PassThrough();
    const writing = storage.write("sessions/ses_1/datasets/ds_1.csv", source);
    source.write("a,b\n");
    await untilTempFileIn(dir);
    await rm(dir, { recursive: true });
    source.end("1,2\n");
    await expect(writing).rejects.toThrow(/ENOENT/);
    expect(await readdir(path.dirname(dir))).toEqual([]);
  });
});
