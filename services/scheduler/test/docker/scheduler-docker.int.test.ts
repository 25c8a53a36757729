import { newSessionId } from "@assay/runtime";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LABELS, MANAGED_BY } from "../../src/runtimes/runtime.js";
import { waitFor } from "../harness.js";
import { DockerStack } from "./docker-stack.js";
import { execIn, type PodmanFixture, startPodman, tcpProbe, WORKER_IMAGE } from "./podman-fixture.js";

let podman: PodmanFixture;
let stack: DockerStack;
/**
 * Built before any request: building it blocks the event loop for seconds, long enough for the
 * api to close an idle keep-alive connection that fetch would then write the upload into (EPIPE).
 */
let huge: string;

beforeAll(async () => {
  podman = await startPodman();
  huge = hugeCsv();
}, 600_000);

afterEach(async () => {
  await stack?.cleanup();
}, 120_000);

afterAll(async () => {
  await podman?.close();
});

async function newStack(): Promise<DockerStack> {
  stack = new DockerStack(podman);
  await stack.startApi();
  return stack;
}

/** A small numeric table: y grows with x in two groups. */
function smallCsv(rows = 200): string {
  const lines = ["group,x,y"];
  for (let i = 0; i < rows; i++) lines.push(`${i % 2 ? "a" : "b"},${i},${(2 * i + (i % 7)).toFixed(1)}`);
  return `${lines.join("\n")}\n`;
}

/** A table whose reading alone needs far more memory than a 256 MiB container has (~160 MB of CSV). */
function hugeCsv(rows = 2_500_000): string {
  const lines = ["id,label,a,b,c,d"];
  for (let i = 0; i < rows; i++)
    lines.push(`${i},label-${i % 1000}-${i},${i * 0.5},${(i * 7) % 1013},${i % 97}.25,${(i * 31) % 100003}`);
  return `${lines.join("\n")}\n`;
}

async function containerEnv(workerId: string): Promise<Record<string, string>> {
  const info = await podman.docker.getContainer(workerId).inspect();
  return Object.fromEntries((info.Config.Env ?? []).map((line) => line.split(/=(.*)/s).slice(0, 2)));
}

describe("scheduler on the docker runtime (real containers)", () => {
  it("gives a new session a locked-down container and returns its analysis report through the api", async () => {
    await newStack();
    await stack.startScheduler();
    const sessionId = await stack.createSession();
    const workerId = await stack.ready(sessionId);

    const info = await podman.docker.getContainer(workerId).inspect();
    expect(info.Config.Image).toBe(WORKER_IMAGE);
    expect(info.Config.Labels).toMatchObject({
      [LABELS.managedBy]: MANAGED_BY,
      [LABELS.schedulerId]: stack.schedulerId,
      [LABELS.sessionId]: sessionId,
    });
    expect(info.HostConfig.Memory).toBe(512 * 1024 * 1024);
    expect(info.HostConfig.MemorySwap).toBe(512 * 1024 * 1024);
    expect(info.HostConfig.PidsLimit).toBe(128);
    expect(info.HostConfig.NanoCpus).toBe(1e9);
    expect(info.HostConfig.ReadonlyRootfs).toBe(true);
    expect(info.Config.User).toBe("10001:10001");
    expect(info.HostConfig.SecurityOpt).toContain("no-new-privileges");
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([podman.network]);
    const mounts = info.Mounts.filter((mount) => mount.Type === "bind")
      .map((mount) => `${mount.Destination}:${mount.RW ? "rw" : "ro"}`)
      .sort();
    expect(mounts).toEqual([
      `/data/sessions/${sessionId}/datasets:ro`,
      `/data/sessions/${sessionId}/jobs:rw`,
    ]);
    const status = await execIn(podman.docker, workerId, ["cat", "/proc/1/status"]);
    // No capabilities (podman lists CapDrop ALL expanded, so the process itself is asked).
    expect(status.output).toMatch(/^CapEff:\s+0+$/m);
    expect(status.output).toMatch(/^CapBnd:\s+0+$/m);
    // Its Redis login is the session's own ACL user, never the scheduler's.
    const redisUrl = new URL((await containerEnv(workerId)).REDIS_URL ?? "");
    expect(decodeURIComponent(redisUrl.username)).toBe(`${stack.prefix}-worker-${sessionId}`);

    const datasetId = await stack.upload(sessionId, smallCsv());
    const jobId = await stack.analyze(sessionId, datasetId, "How does y relate to x?");
    const job = await stack.finished(jobId);
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    const report = await stack.request<{ jobId?: string; dataset?: unknown }>(
      "GET",
      `/v1/jobs/${jobId}/report?format=json`,
    );
    expect(JSON.stringify(report)).toContain(jobId);
  });

  it("keeps two sessions in two containers: neither reads the other's data or reaches the internet", async () => {
    await newStack();
    await stack.startScheduler();
    const [first, second] = [await stack.createSession(), await stack.createSession()];
    const [firstWorker, secondWorker] = [await stack.ready(first), await stack.ready(second)];
    expect(firstWorker).not.toBe(secondWorker);
    await stack.upload(second, smallCsv(5));

    const secondDatasets = `/data/sessions/${second}/datasets`;
    expect((await execIn(podman.docker, secondWorker, ["ls", secondDatasets])).output).toMatch(/\.csv/);
    const fromFirst = await execIn(podman.docker, firstWorker, ["ls", secondDatasets]);
    expect(fromFirst.exitCode).not.toBe(0);
    expect((await execIn(podman.docker, firstWorker, ["ls", "/data/sessions"])).output.trim()).toBe(first);

    for (const workerId of [firstWorker, secondWorker]) {
      const toInternet = await execIn(podman.docker, workerId, tcpProbe("1.1.1.1", 443));
      expect(toInternet.exitCode).not.toBe(0);
      expect(toInternet.output.trim()).not.toBe("connected");
    }
  });

  it("restarts a killed container and the job completes; a job past the memory limit fails as WORKER_OUT_OF_MEMORY and the session recovers", async () => {
    await newStack();
    await stack.startScheduler({ WORKER_MEMORY_MB: "256" });
    const sessionId = await stack.createSession();
    const workerId = await stack.ready(sessionId);
    const small = await stack.upload(sessionId, smallCsv(50_000));

    // The worker crashes while a job runs (SIGABRT from inside, exit 134; not SIGKILL, whose 137
    // cgroup v1 podman cannot tell from an out-of-memory kill): restarted, the job redelivered.
    const crashed = await stack.analyze(sessionId, small, "How does y relate to x?");
    await waitFor("job running", async () => (await stack.job(crashed)).status !== "queued");
    // (The scheduler may remove the dead container before the exec's result can be read.)
    await execIn(podman.docker, workerId, ["kill", "-ABRT", "-1"]).catch(() => undefined);
    const restartedWorker = await stack.ready(sessionId, workerId);
    expect((await stack.finished(crashed)).status).toBe("succeeded");
    const exited = (await stack.eventsOf(sessionId)).find((event) => event.type === "session:worker-exited");
    expect(exited).toMatchObject({ worker: { id: workerId }, exitCode: 134 });

    // Reading ~160 MB of CSV cannot fit in 256 MiB: the kernel kills the container (exit 137).
    const hugeId = await stack.upload(sessionId, huge);
    const oom = await stack.analyze(sessionId, hugeId, "Summarize the table");
    const failed = await stack.finished(oom);
    expect(failed.status).toBe("failed");
    expect(failed.error?.code).toBe("WORKER_OUT_OF_MEMORY");
    const events = await stack.eventsOf(sessionId);
    expect(events.find((event) => event.type === "job:failed" && event.jobId === oom)).toMatchObject({
      willRetry: false,
      error: { code: "WORKER_OUT_OF_MEMORY" },
    });
    expect(
      events.find((event) => event.type === "session:worker-exited" && event.worker.id === restartedWorker),
    ).toMatchObject({ exitCode: 137, reason: "killed: out of memory (exit 137)" });

    // The session recovers: a new container serves the next job, and the failed job stays failed.
    await stack.ready(sessionId, restartedWorker);
    const after = await stack.analyze(sessionId, small, "How does y relate to x?");
    expect((await stack.finished(after)).status).toBe("succeeded");
    expect((await stack.job(oom)).status).toBe("failed");
  }, 180_000);

  it("reconciles on start: restarts a session's container removed while stopped, removes an orphan", async () => {
    await newStack();
    const first = await stack.startScheduler();
    const [kept, lost] = [await stack.createSession(), await stack.createSession()];
    const [keptWorker, lostWorker] = [await stack.ready(kept), await stack.ready(lost)];
    await stack.stopScheduler(first); // workers outlive their scheduler

    await podman.docker.getContainer(lostWorker).remove({ force: true });
    const orphan = await podman.docker.createContainer({
      name: `wrk-orphan-${stack.prefix.slice(-8).toLowerCase()}`,
      Image: WORKER_IMAGE,
      Cmd: ["node", "-e", "setInterval(() => {}, 1000)"],
      Labels: {
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.schedulerId]: stack.schedulerId,
        [LABELS.sessionId]: newSessionId(), // a session that does not exist
      },
      HostConfig: { NetworkMode: podman.network },
    });
    await orphan.start();
    const orphanName = (await orphan.inspect()).Name.replace(/^\//, "");
    expect((await stack.containers()).sort()).toEqual([keptWorker, orphanName].sort());

    await stack.startScheduler();
    const replacement = await stack.ready(lost, lostWorker);
    expect((await stack.session(kept)).worker?.id).toBe(keptWorker); // adopted, not restarted
    expect((await stack.containers()).sort()).toEqual([keptWorker, replacement].sort());
  });

  it("hands out warm pool containers: a session is ready without a cold start", async () => {
    await newStack();
    const cold = await stack.startScheduler();
    const coldSession = await stack.createSession();
    await stack.ready(coldSession);
    await stack.stopScheduler(cold);

    await stack.startScheduler({ WARM_POOL_SIZE: "1" });
    const idle = await waitFor("an idle pooled container", async () => {
      const names = await stack.containers();
      return names.find((name) => name.startsWith("assay-pool-"));
    });
    const slot = (await podman.docker.getContainer(idle).inspect()).Config.Labels[LABELS.poolSlot];
    // Until assigned, its Redis user may only wait for its assignment.
    const idleUrl = new URL((await containerEnv(idle)).REDIS_URL ?? "");
    expect(decodeURIComponent(idleUrl.username)).toBe(`${stack.prefix}-worker-pool-${slot}`);
    await waitFor("pooled worker idling in BLPOP", async () => {
      const clients = ((await stack.redis.call("CLIENT", "LIST")) as string).split("\n");
      return clients.some(
        (client) =>
          client.includes(`user=${stack.prefix}-worker-pool-${slot} `) && client.includes("cmd=blpop"),
      );
    });

    const warmSession = await stack.createSession();
    const warmWorker = await stack.ready(warmSession);
    // The container takes the worker's id once the session is ready (podman's work waits for that).
    const pooled = await waitFor("the pooled container renamed to its worker id", () =>
      podman.docker
        .getContainer(warmWorker)
        .inspect()
        .catch(() => undefined),
    );
    expect(pooled.Config.Labels[LABELS.poolSlot]).toBe(slot);
    // The pooled worker keeps its slot's login: only the cold start made a session Redis user.
    const users = (await stack.redis.call("ACL", "USERS")) as string[];
    expect(users).toContain(`${stack.prefix}-worker-${coldSession}`);
    expect(users).not.toContain(`${stack.prefix}-worker-${warmSession}`);

    const startMs = async (sessionId: string) =>
      (await stack.eventsOf(sessionId)).flatMap((event) =>
        event.type === "session:ready" ? [event.startMs] : [],
      )[0];
    console.log(
      `session start: cold ${await startMs(coldSession)} ms, warm (pooled container) ${await startMs(warmSession)} ms`,
    );

    // The pooled worker runs the session's job on the session's data (its slot dirs became the session's).
    const datasetId = await stack.upload(warmSession, smallCsv());
    const jobId = await stack.analyze(warmSession, datasetId, "How does y relate to x?");
    expect((await stack.finished(jobId)).status).toBe("succeeded");
    // A replacement is started for the next session.
    await waitFor("pool refilled", async () =>
      (await stack.containers()).some((name) => name.startsWith("assay-pool-") && name !== idle),
    );
  });
});
