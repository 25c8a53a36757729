import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type RedisKeys, redisKeys } from "@assay/contracts";
import { closeRedis, createLogger, createRedis, newSessionId, type Redis } from "@assay/runtime";
import { nanoid } from "nanoid";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WorkerCredentials } from "../../src/redis-acl.js";
import { DockerRuntime } from "../../src/runtimes/docker.js";
import { DockerWarmPool, POOL_ROLE } from "../../src/runtimes/docker-warm-pool.js";
import { LABELS, MANAGED_BY } from "../../src/runtimes/runtime.js";
import { type PodmanFixture, startPodman, TEST_RUN_LABEL, WORKER_IMAGE } from "./podman-fixture.js";

const logger = createLogger("docker-warm-pool-test", "silent");

/**
 * Stands in for the worker's pool mode, to see the hand-over from inside: waits for its
 * assignment as its slot's Redis user, then reports what it got and which datasets it sees
 * through its slot mount. (The real worker's pool mode runs in test/docker/scheduler-docker.)
 */
const POOLED_WORKER = [
  "node",
  "--input-type=module",
  "-e",
  `import { readdirSync, writeFileSync } from "node:fs";
   import { PoolAssignment, redisKeys } from "@assay/contracts";
   import { Redis } from "ioredis";
   const redis = new Redis(process.env.REDIS_URL);
   const [, raw] = await redis.blpop(redisKeys(process.env.KEY_PREFIX).poolAssignment(process.env.POOL_SLOT), 0);
   const assignment = PoolAssignment.parse(JSON.parse(raw));
   const datasets = readdirSync("/data/pool/datasets");
   writeFileSync("/data/pool/jobs/assigned.json", JSON.stringify({ ...assignment, datasets }));
   await redis.quit();
   setInterval(() => {}, 1000);`,
];

let podman: PodmanFixture;
let redis: Redis;
const pools: DockerWarmPool[] = [];

beforeAll(async () => {
  podman = await startPodman();
  redis = createRedis(podman.redisUrl, "docker-warm-pool-test");
}, 600_000);

afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
  const leaked = await podman.leftovers();
  for (const name of leaked) await podman.docker.getContainer(name).remove({ force: true });
  const users = ((await redis.call("ACL", "USERS")) as string[]).filter((name) => name.includes("-worker-"));
  for (const user of users) await redis.call("ACL", "DELUSER", user);
  expect(leaked, "worker containers left behind").toEqual([]);
  expect(users, "worker Redis users left behind").toEqual([]);
});

afterAll(async () => {
  if (redis) await closeRedis(redis);
  await podman?.close();
});

async function poolOf(
  size: number,
  schedulerId = `sch-${nanoid(6)}`,
): Promise<{ pool: DockerWarmPool; keys: RedisKeys }> {
  const runtime = await DockerRuntime.connect({
    dockerHost: podman.dockerHost,
    dataDir: podman.dataDir,
    logger,
    image: WORKER_IMAGE,
    network: podman.network,
    memoryBytes: 256 * 1024 * 1024,
    command: POOLED_WORKER,
  });
  const keys = redisKeys(`test-${podman.runId}`);
  const labels = {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.schedulerId]: schedulerId,
    [TEST_RUN_LABEL]: podman.runId,
  };
  const env = { KEY_PREFIX: keys.prefix };
  const access = { users: new WorkerCredentials(redis, keys), redisUrl: podman.redisUrl };
  const pool = new DockerWarmPool(runtime, { size, redis, keys, labels, env, access, logger });
  pools.push(pool);
  return { pool, keys };
}

/** Workers of this test run (the Redis container carries the run label too). */
const ours = () => ({ [LABELS.managedBy]: MANAGED_BY, [TEST_RUN_LABEL]: podman.runId });

function specFor(sessionId = newSessionId()) {
  const workerId = `wrk-${nanoid(10).replace(/[^a-zA-Z0-9]/g, "x")}`;
  return { sessionId, workerId, labels: {}, env: { SESSION_ID: sessionId, WORKER_ID: workerId } };
}

async function untilFile(file: string, pool: DockerWarmPool, workerId: string): Promise<string> {
  for (;;) {
    try {
      return await readFile(file, "utf8");
    } catch {
      if ((await pool.inspect(workerId))?.state !== "running") {
        const logs = await podman.docker.getContainer(workerId).logs({ stdout: true, stderr: true });
        throw new Error(`pooled worker ${workerId} exited:\n${logs.toString()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe("DockerWarmPool", () => {
  it("gives a session a pre-started container that sees the session's data, and refills", async () => {
    const { pool, keys } = await poolOf(1);
    await pool.fill();
    expect(pool.idleCount).toBe(1);
    expect(await pool.list(ours())).toEqual([]);
    const [idle] = await pool.list({ ...ours(), [LABELS.role]: POOL_ROLE });
    expect(idle?.state).toBe("running");

    const spec = specFor();
    const sessionDir = path.join(podman.dataDir, "sessions", spec.sessionId);
    await mkdir(path.join(sessionDir, "datasets"), { recursive: true });
    await writeFile(path.join(sessionDir, "datasets", "ds_uploaded.csv"), "a\n1\n");

    const started = await pool.start(spec);
    expect(started).toMatchObject({ id: spec.workerId, state: "running" });
    expect(started.labels[LABELS.sessionId]).toBe(spec.sessionId);
    const report = JSON.parse(
      await untilFile(path.join(sessionDir, "jobs", "assigned.json"), pool, spec.workerId),
    );
    expect(report).toEqual({
      sessionId: spec.sessionId,
      workerId: spec.workerId,
      datasets: ["ds_uploaded.csv"],
    });
    expect(await readFile(path.join(sessionDir, "datasets", "ds_uploaded.csv"), "utf8")).toBe("a\n1\n");
    expect((await pool.list({ [LABELS.sessionId]: spec.sessionId })).map((worker) => worker.id)).toEqual([
      spec.workerId,
    ]);
    // Podman's work waits for the worker's readiness: only then the container takes the worker id.
    await expect(podman.docker.getContainer(spec.workerId).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
    pool.workerReady(spec.workerId);
    expect(await pool.inspect(spec.workerId)).toMatchObject({ id: spec.workerId, state: "running" });
    expect((await podman.docker.getContainer(spec.workerId).inspect()).Name).toBe(`/${spec.workerId}`);

    await pool.fill();
    expect(pool.idleCount).toBe(1);
    const pooled = await pool.list({ ...ours(), [LABELS.role]: POOL_ROLE });
    expect(pooled.map((worker) => worker.id).sort()).toEqual(
      [spec.workerId, expect.stringMatching(/^assay-pool-/)].sort(),
    );

    // The slot's Redis user now holds the session's worker keys.
    const slot = started.labels[LABELS.poolSlot] as string;
    const users = new WorkerCredentials(redis, keys);
    const granted = JSON.stringify(await redis.call("ACL", "GETUSER", users.poolSlotUsername(slot)));
    expect(granted).toContain(`${keys.prefix}:{${spec.sessionId}}:heartbeat`);

    await pool.stop(spec.workerId, 0);
    expect(await pool.inspect(spec.workerId)).toBeUndefined();
    expect(await redis.hgetall(keys.poolSessions)).toEqual({});
    expect(await redis.call("ACL", "GETUSER", users.poolSlotUsername(slot))).toBeNull();
  });

  it("starts cold when the pool is empty", async () => {
    const { pool } = await poolOf(0);
    await pool.fill();
    const spec = specFor();
    const started = await pool.start(spec);
    expect(started).toMatchObject({ id: spec.workerId, state: "running" });
    expect(started.labels[LABELS.role]).toBeUndefined();
    await pool.stop(spec.workerId, 0);
  });

  it("adopts the idle containers a previous run of the same scheduler left", async () => {
    const schedulerId = `sch-${nanoid(6)}`;
    const { pool: first } = await poolOf(1, schedulerId);
    await first.fill();
    const [before] = await first.list({ [LABELS.schedulerId]: schedulerId, [LABELS.role]: POOL_ROLE });
    const { pool: second } = await poolOf(1, schedulerId);
    await second.fill();
    const after = await second.list({ [LABELS.schedulerId]: schedulerId, [LABELS.role]: POOL_ROLE });
    expect(second.idleCount).toBe(1);
    expect(after.map((worker) => worker.id)).toEqual([before?.id]);
  });
});
