import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { redisKeys, WorkerHeartbeat } from "@assay/contracts";
import { closeRedis, createLogger, createRedis, newSessionId } from "@assay/runtime";
import { nanoid } from "nanoid";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  DockerRuntime,
  type DockerRuntimeOptions,
  DockerUnavailable,
  WorkerNetworkMissing,
} from "../../src/runtimes/docker.js";
import { LABELS, MANAGED_BY, type WorkerInfo } from "../../src/runtimes/runtime.js";
import {
  execIn,
  type PodmanFixture,
  startPodman,
  TEST_RUN_LABEL,
  tcpProbe,
  WORKER_IMAGE,
} from "./podman-fixture.js";

const logger = createLogger("docker-runtime-test", "silent");
/** Stays up until stopped; writes nothing, needs nothing: the runtime's limits are what is tested. */
const IDLE = ["node", "-e", "setInterval(() => {}, 1000)"];
const MEMORY = 128 * 1024 * 1024;

let podman: PodmanFixture;
const runtimes: DockerRuntime[] = [];

beforeAll(async () => {
  podman = await startPodman();
}, 600_000);

afterEach(async () => {
  const leaked = await podman.leftovers();
  for (const name of leaked) await podman.docker.getContainer(name).remove({ force: true });
  expect(leaked, "worker containers left behind").toEqual([]);
});

afterAll(async () => {
  for (const runtime of runtimes) await runtime.close();
  await podman?.close();
});

async function runtimeWith(options: Partial<DockerRuntimeOptions> = {}): Promise<DockerRuntime> {
  const runtime = await DockerRuntime.connect({
    dockerHost: podman.dockerHost,
    dataDir: podman.dataDir,
    logger,
    image: WORKER_IMAGE,
    network: podman.network,
    memoryBytes: MEMORY,
    pidsLimit: 64,
    command: IDLE,
    ...options,
  });
  runtimes.push(runtime);
  return runtime;
}

function specFor(sessionId = newSessionId()) {
  return {
    sessionId,
    workerId: `assay-test-${nanoid(8).replace(/[^a-zA-Z0-9]/g, "x")}`,
    labels: { [TEST_RUN_LABEL]: podman.runId, [LABELS.schedulerId]: `sch-${podman.runId}` },
    env: { SESSION_ID: sessionId, REDIS_URL: podman.redisUrl },
  };
}

async function untilExited(runtime: DockerRuntime, workerId: string): Promise<WorkerInfo> {
  for (;;) {
    const info = await runtime.inspect(workerId);
    if (info?.state === "exited") return info;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("DockerRuntime", () => {
  it("runs a worker locked down: limits, non-root, no capabilities, read-only, two mounts, internal network", async () => {
    const runtime = await runtimeWith();
    const spec = specFor();
    const started = await runtime.start(spec);
    try {
      expect(started).toMatchObject({ id: spec.workerId, state: "running", exitCode: null });
      expect(started.labels).toMatchObject({
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.sessionId]: spec.sessionId,
      });

      const info = await podman.docker.getContainer(spec.workerId).inspect();
      expect(info.HostConfig.Memory).toBe(MEMORY);
      expect(info.HostConfig.PidsLimit).toBe(64);
      expect(info.HostConfig.ReadonlyRootfs).toBe(true);
      expect(info.Config.User).toBe("10001:10001");
      expect(info.HostConfig.SecurityOpt).toContain("no-new-privileges");
      expect(Object.keys(info.NetworkSettings.Networks)).toEqual([podman.network]);
      expect(info.Config.Env).toContain("DATA_DIR=/data");
      const mounts = info.Mounts.filter((mount) => mount.Type === "bind")
        .map((mount) => ({ source: mount.Source, destination: mount.Destination, rw: mount.RW }))
        .sort((a, b) => a.destination.localeCompare(b.destination));
      const sessionDir = path.join(podman.dataDir, "sessions", spec.sessionId);
      expect(mounts).toEqual([
        {
          source: `${sessionDir}/datasets`,
          destination: `/data/sessions/${spec.sessionId}/datasets`,
          rw: false,
        },
        { source: `${sessionDir}/jobs`, destination: `/data/sessions/${spec.sessionId}/jobs`, rw: true },
      ]);

      const status = await execIn(podman.docker, spec.workerId, ["cat", "/proc/1/status"]);
      expect(status.output).toMatch(/^CapEff:\s+0+$/m);
      expect(status.output).toMatch(/^CapBnd:\s+0+$/m);
      expect(status.output).toMatch(/^NoNewPrivs:\s+1$/m);
      expect((await execIn(podman.docker, spec.workerId, ["id", "-u"])).output.trim()).toBe("10001");

      const write = (file: string) => execIn(podman.docker, spec.workerId, ["sh", "-c", `echo x > ${file}`]);
      expect((await write(`/data/sessions/${spec.sessionId}/datasets/x`)).exitCode).not.toBe(0);
      expect((await write("/app/x")).exitCode).not.toBe(0);
      expect((await write(`/data/sessions/${spec.sessionId}/jobs/x`)).exitCode).toBe(0);
      expect(await readFile(`${sessionDir}/jobs/x`, "utf8")).toBe("x\n");
    } finally {
      await runtime.stop(spec.workerId, 0);
    }
  });

  it("reaches the Redis on its network and not the internet", async () => {
    const runtime = await runtimeWith();
    const spec = specFor();
    await runtime.start(spec);
    try {
      const redisHost = new URL(podman.redisUrl).hostname;
      const toRedis = await execIn(podman.docker, spec.workerId, tcpProbe(redisHost, 6379));
      expect(toRedis.output.trim()).toBe("connected");
      const toInternet = await execIn(podman.docker, spec.workerId, tcpProbe("1.1.1.1", 443));
      expect(toInternet.exitCode).not.toBe(0);
      expect(toInternet.output.trim()).not.toBe("connected");
    } finally {
      await runtime.stop(spec.workerId, 0);
    }
  });

  it("lists workers by label, reports a killed one as exited, and stop removes it (twice is fine)", async () => {
    const runtime = await runtimeWith();
    const spec = specFor();
    await runtime.start(spec);
    const mine = { [TEST_RUN_LABEL]: podman.runId, [LABELS.sessionId]: spec.sessionId };
    expect((await runtime.list(mine)).map((worker) => worker.id)).toEqual([spec.workerId]);
    expect(await runtime.list({ ...mine, [LABELS.sessionId]: newSessionId() })).toEqual([]);

    await podman.docker.getContainer(spec.workerId).kill({ signal: "SIGTERM" });
    const exited = await untilExited(runtime, spec.workerId);
    expect(exited.exitCode).toBe(143);
    expect(exited.exitReason).toBe("terminated (exit 143)");
    expect((await runtime.list(mine)).map((worker) => worker.state)).toEqual(["exited"]);

    await runtime.stop(spec.workerId, 1_000);
    await runtime.stop(spec.workerId, 1_000);
    expect(await runtime.inspect(spec.workerId)).toBeUndefined();
    expect(await runtime.list(mine)).toEqual([]);
  });

  it("reports a worker killed for exceeding its memory limit as out of memory", async () => {
    const hog = "const keep = []; for (;;) keep.push(Buffer.alloc(8 * 1024 * 1024, 1));";
    const runtime = await runtimeWith({ memoryBytes: 64 * 1024 * 1024, command: ["node", "-e", hog] });
    const spec = specFor();
    await runtime.start(spec);
    try {
      const exited = await untilExited(runtime, spec.workerId);
      expect(exited).toMatchObject({ exitCode: 137, exitReason: "killed: out of memory (exit 137)" });
    } finally {
      await runtime.stop(spec.workerId, 0);
    }
  });

  it("keeps sessions apart: a worker sees only its own session's data", async () => {
    const runtime = await runtimeWith();
    const [first, second] = [specFor(), specFor()];
    await runtime.start(first);
    await runtime.start(second);
    try {
      const secondDataset = path.join(podman.dataDir, "sessions", second.sessionId, "datasets", "d.csv");
      await writeFile(secondDataset, "a,b\n1,2\n");
      const fromSecond = await execIn(podman.docker, second.workerId, [
        "cat",
        `/data/sessions/${second.sessionId}/datasets/d.csv`,
      ]);
      expect(fromSecond.output).toBe("a,b\n1,2\n");
      const fromFirst = await execIn(podman.docker, first.workerId, [
        "cat",
        `/data/sessions/${second.sessionId}/datasets/d.csv`,
      ]);
      expect(fromFirst.exitCode).not.toBe(0);
      const listing = await execIn(podman.docker, first.workerId, ["ls", "/data/sessions"]);
      expect(listing.output.trim()).toBe(first.sessionId);
    } finally {
      await runtime.stop(first.workerId, 0);
      await runtime.stop(second.workerId, 0);
    }
  });

  it("runs the real worker image: it heartbeats into Redis over the internal network and stops on SIGTERM", async () => {
    const runtime = await runtimeWith({ memoryBytes: 512 * 1024 * 1024, pidsLimit: 256, command: undefined });
    const spec = specFor();
    const keyPrefix = `test-${podman.runId}`;
    const redis = createRedis(podman.redisUrl, "docker-runtime-test");
    try {
      await runtime.start({
        ...spec,
        env: {
          ...spec.env,
          WORKER_ID: spec.workerId,
          KEY_PREFIX: keyPrefix,
          HEARTBEAT_MS: "500",
          LOG_LEVEL: "warn",
        },
      });
      const heartbeatKey = redisKeys(keyPrefix).sessionHeartbeat(spec.sessionId);
      let heartbeat: string | null = null;
      while (heartbeat === null && (await runtime.inspect(spec.workerId))?.state === "running") {
        heartbeat = await redis.get(heartbeatKey);
        if (heartbeat === null) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(WorkerHeartbeat.parse(JSON.parse(heartbeat ?? "null")).workerId).toBe(spec.workerId);
      expect((await execIn(podman.docker, spec.workerId, ["node", "dist/healthcheck.js"])).exitCode).toBe(0);

      await podman.docker.getContainer(spec.workerId).kill({ signal: "SIGTERM" });
      expect((await untilExited(runtime, spec.workerId)).exitCode).toBe(0);
    } finally {
      await closeRedis(redis);
      await runtime.stop(spec.workerId, 0);
    }
  });

  it("fails clearly when the Docker endpoint does not answer", async () => {
    const options = { dockerHost: "unix:///nonexistent/docker.sock", dataDir: podman.dataDir, logger };
    await expect(DockerRuntime.connect(options)).rejects.toThrow(DockerUnavailable);
    await expect(DockerRuntime.connect(options)).rejects.toThrow(
      /unix:\/\/\/nonexistent\/docker.sock is unreachable/,
    );
  });
  it("fails clearly when the worker network does not exist", async () => {
    const network = `assay-missing-${podman.runId}`;
    await expect(runtimeWith({ network })).rejects.toThrow(WorkerNetworkMissing);
    await expect(runtimeWith({ network })).rejects.toThrow(`docker network create --internal ${network}`);
  });
});
