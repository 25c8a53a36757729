import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { handOverDir } from "./hand-over-dir.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "hand-over-dir-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function slotWith(files: Record<string, string>): Promise<string> {
  const slot = path.join(root, "pool", "p1", "datasets");
  await mkdir(slot, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(slot, name), content);
  return slot;
}

describe("handOverDir", () => {
  it("moves the slot dir to where the session's dir belongs, creating its parents", async () => {
    const slot = await slotWith({ "a.csv": "a" });
    const target = path.join(root, "sessions", "ses_1", "datasets");
    await handOverDir(slot, target);
    expect(await readdir(target)).toEqual(["a.csv"]);
    expect(await readdir(path.dirname(slot))).toEqual([]);
  });

  it("keeps what the session's dir already held, files and job dirs alike", async () => {
    const slot = await slotWith({});
    const target = path.join(root, "sessions", "ses_1", "jobs");
    await mkdir(path.join(target, "job_1"), { recursive: true });
    await writeFile(path.join(target, "job_1", "report.json"), "{}");
    await writeFile(path.join(target, "b.csv"), "b");
    await handOverDir(slot, target);
    expect((await readdir(target)).sort()).toEqual(["b.csv", "job_1"]);
    expect(await readFile(path.join(target, "job_1", "report.json"), "utf8")).toBe("{}");
  });
});
