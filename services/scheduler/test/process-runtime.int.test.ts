import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createLogger, newSessionId } from "@assay/runtime";
import { afterEach, beforeEach, expect, it } from "vitest";
import { ProcessRuntime } from "../src/runtimes/process.js";
import { LABELS, MANAGED_BY } from "../src/runtimes/runtime.js";
import { CRASHING_WORKER_ENTRY, WORKER_ENTRY, waitFor, workerPids } from "./harness.js";

const logger = createLogger("process-runtime-test", "silent");
let dataDir: string;
let runtime: ProcessRuntime;
const prefix = `test-rt-${process.pid}-${Date.now()}`;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "assay-process-runtime-"));
  runtime = new ProcessRuntime({ dataDir, entry: WORKER_ENTRY, path: process.env.PATH ?? "", logger });
});
afterEach(async () => {
  for (const worker of await runtime.list({})) await runtime.stop(worker.id, 2_000);
  await runtime.close();
  await rm(dataDir, { recursive: true, force: true });
  const leaked = await workerPids(prefix);
  for (const pid of leaked) process.kill(pid, "SIGKILL");
  expect(leaked, "leak guard: worker processes left alive").toEqual([]);
});

function spec(workerId: string) {
  const sessionId = newSessionId();
  return {
    sessionId,
    workerId,
    labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.sessionId]: sessionId },
    env: {
      SESSION_ID: sessionId,
      WORKER_ID: workerId,
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      KEY_PREFIX: prefix,
      DATA_DIR: dataDir,
      LOG_LEVEL: "silent",
      HEARTBEAT_MS: "200",
    },
  };
}

it("runs a detached worker with only the spec's env, logs to a file, and stops it", async () => {
  const started = await runtime.start(spec("wrk-a"));
  expect(started.state).toBe("running");
  const [pid] = await workerPids(prefix);
  const environ = (await readFile(`/proc/${pid}/environ`, "latin1")).split("\0").filter(Boolean);
  expect(environ.map((line) => line.split("=")[0]).sort()).toEqual(
    [
      "DATA_DIR",
      "HEARTBEAT_MS",
      "KEY_PREFIX",
      "LOG_LEVEL",
      "PATH",
      "REDIS_URL",
      "SESSION_ID",
      "WORKER_ID",
    ].sort(),
  );
  const stat = (await readFile(`/proc/${pid}/stat`, "latin1")).split(") ")[1]!.split(" ");
  expect(Number(stat[2])).toBe(pid); // process group id: its own group
  expect((await runtime.list({ [LABELS.managedBy]: MANAGED_BY })).map((worker) => worker.id)).toEqual([
    "wrk-a",
  ]);

  await runtime.stop("wrk-a", 2_000);
  await runtime.stop("wrk-a", 2_000); // idempotent

  expect(await workerPids(prefix)).toEqual([]);
  expect(await runtime.inspect("wrk-a")).toBeUndefined();
  expect(await runtime.list({})).toEqual([]);
  await expect(readFile(path.join(dataDir, "runtime", "process", "wrk-a.log"), "utf8")).resolves.toBeTypeOf(
    "string",
  );
});

it("reports the exit code of its own child", async () => {
  const crashing = new ProcessRuntime({ dataDir, entry: CRASHING_WORKER_ENTRY, path: "", logger });
  await crashing.start(spec("wrk-crash"));
  const info = await waitFor("exit", async () => {
    const current = await crashing.inspect("wrk-crash");
    return current?.state === "exited" ? current : undefined;
  });
  expect(info).toMatchObject({ exitCode: 3, exitReason: "exit code 3" });
  const log = await readFile(path.join(dataDir, "runtime", "process", "wrk-crash.log"), "utf8");
  expect(log).toContain("exiting on purpose");
  await crashing.stop("wrk-crash", 0);
  await crashing.close();
});

it("adopts workers it did not start and never trusts a reused pid", async () => {
  await runtime.start(spec("wrk-b"));
  const adopter = new ProcessRuntime({ dataDir, entry: WORKER_ENTRY, path: "", logger });
  expect(await adopter.inspect("wrk-b")).toMatchObject({ state: "running", exitCode: null });

  // A state file whose pid now belongs to another process (this test runner).
  const dir = path.join(dataDir, "runtime", "process");
  await mkdir(dir, { recursive: true });
  const labels = { [LABELS.managedBy]: MANAGED_BY };
  await writeFile(
    path.join(dir, "wrk-reused.json"),
    JSON.stringify({ workerId: "wrk-reused", pid: process.pid, labels, startedAt: new Date().toISOString() }),
  );
  expect(await adopter.inspect("wrk-reused")).toMatchObject({ state: "exited", exitCode: null });
  await adopter.stop("wrk-reused", 0); // must not signal this process
  expect(await adopter.inspect("wrk-reused")).toBeUndefined();

  await adopter.stop("wrk-b", 2_000);
  expect(await adopter.inspect("wrk-b")).toBeUndefined();
  await adopter.close();
});
