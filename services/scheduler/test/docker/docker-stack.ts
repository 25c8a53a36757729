import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AssayEvent,
  type JobView,
  type RedisKeys,
  redisKeys,
  type SessionList,
  type SessionView,
} from "@assay/contracts";
import {
  closeRedis,
  createLogger,
  createRedis,
  EventLog,
  LocalStorage,
  type Redis,
  unlinkMatching,
} from "@assay/runtime";
import { nanoid } from "nanoid";
import { createRuntime } from "../../src/create-runtime.js";
import { loadEnv } from "../../src/env.js";
import { LABELS, MANAGED_BY, type WorkerRuntime } from "../../src/runtimes/runtime.js";
import { Scheduler } from "../../src/scheduler.js";
import { waitFor } from "../harness.js";
import { type PodmanFixture, WORKER_IMAGE } from "./podman-fixture.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const API_MAIN = path.join(REPO, "services/api/dist/main.js");
const logger = createLogger("docker-scheduler-test", process.env.TEST_LOG_LEVEL ?? "silent");

export interface RunningScheduler {
  scheduler: Scheduler;
  runtime: WorkerRuntime;
}

/**
 * The whole system on real containers for one test: the api as a process and the scheduler
 * in-process (RUNTIME=docker, through createRuntime like main.ts), both on the fixture's Redis
 * container, with their own key prefix and scheduler id. Worker containers reach that Redis over
 * the internal network; this host reaches it at the same address.
 */
export class DockerStack {
  readonly prefix = `test-${nanoid(10).replace(/[^A-Za-z0-9]/g, "x")}`;
  readonly keys: RedisKeys = redisKeys(this.prefix);
  readonly schedulerId = `sch-${this.prefix}`;
  readonly redis: Redis;
  readonly events: EventLog;
  private readonly schedulers: RunningScheduler[] = [];
  private api: ChildProcess | undefined;
  private apiUrl = "";
  /** The api's log lines, quoted when a request fails. */
  private apiOutput = "";

  constructor(readonly podman: PodmanFixture) {
    this.redis = createRedis(podman.redisUrl, "docker-scheduler-test");
    this.events = new EventLog(this.redis, this.keys, 10_000);
  }

  async startApi(): Promise<void> {
    const api = spawn(process.execPath, [API_MAIN], {
      env: {
        PATH: process.env.PATH,
        REDIS_URL: this.podman.redisUrl,
        KEY_PREFIX: this.prefix,
        DATA_DIR: this.podman.dataDir,
        HOST: "127.0.0.1",
        PORT: "0",
        AUTH_DISABLED: "true",
        // The tests poll the api every 50 ms, well past the default per-tenant request rate.
        TENANT_REQUESTS_PER_MINUTE: "1000000",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    this.api = api;
    api.stdout?.setEncoding("utf8");
    this.apiUrl = await new Promise<string>((resolve, reject) => {
      api.stdout?.on("data", (chunk: string) => {
        this.apiOutput = (this.apiOutput + chunk).slice(-20_000);
        const url = /"url":"(http:[^"]+)"/.exec(this.apiOutput)?.[1];
        if (url) resolve(url);
      });
      api.once("exit", (code) => reject(new Error(`api exited with ${code}:\n${this.apiOutput}`)));
    });
  }

  env(overrides: Record<string, string> = {}) {
    return loadEnv({
      RUNTIME: "docker",
      DOCKER_HOST: this.podman.dockerHost,
      WORKER_IMAGE,
      WORKER_NETWORK: this.podman.network,
      REDIS_URL: this.podman.redisUrl,
      KEY_PREFIX: this.prefix,
      DATA_DIR: this.podman.dataDir,
      SCHEDULER_ID: this.schedulerId,
      LOG_LEVEL: "warn",
      HEARTBEAT_MS: "500",
      POLL_MS: "100",
      LEASE_MS: "3000",
      RESTART_BACKOFF_MS: "100",
      WORKER_STOP_GRACE_MS: "2000",
      WORKER_START_TIMEOUT_MS: "60000",
      // A killed worker's job goes to the restarted worker once its lock expires.
      WORKER_LOCK_DURATION_MS: "3000",
      WORKER_MEMORY_MB: "512",
      WORKER_PIDS_LIMIT: "128",
      ...overrides,
    });
  }

  async startScheduler(overrides: Record<string, string> = {}): Promise<RunningScheduler> {
    const env = this.env(overrides);
    const runtime = await createRuntime(env, logger, this.redis);
    const scheduler = new Scheduler({
      env,
      redis: this.redis,
      runtime,
      storage: new LocalStorage(env.DATA_DIR),
      logger,
    });
    const running = { scheduler, runtime };
    this.schedulers.push(running);
    await scheduler.start();
    return running;
  }

  async stopScheduler(running: RunningScheduler): Promise<void> {
    await running.scheduler.close();
    await running.runtime.close();
    this.schedulers.splice(this.schedulers.indexOf(running), 1);
  }

  async request<T>(method: string, route: string, body?: unknown, type = "application/json"): Promise<T> {
    const response = await fetch(`${this.apiUrl}${route}`, {
      method,
      ...(body === undefined
        ? {}
        : {
            body: typeof body === "string" ? body : JSON.stringify(body),
            headers: { "content-type": type },
          }),
    }).catch((error: unknown) => {
      throw new Error(`${method} ${route} failed; api log tail:\n${this.apiOutput.slice(-3_000)}`, {
        cause: error,
      });
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async createSession(): Promise<string> {
    return (await this.request<SessionView>("POST", "/v1/sessions")).id;
  }

  session(sessionId: string): Promise<SessionView> {
    return this.request<SessionView>("GET", `/v1/sessions/${sessionId}`);
  }

  /** Waits until the session is ready with a worker other than `previous`; returns that worker id. */
  async ready(sessionId: string, previous?: string, timeoutMs = 60_000): Promise<string> {
    const view = await waitFor(
      `${sessionId} ready`,
      async () => {
        const current = await this.session(sessionId);
        if (current.status === "failed") throw new Error(`session failed: ${current.statusReason}`);
        return current.status === "ready" && current.worker && current.worker.id !== previous
          ? current
          : undefined;
      },
      timeoutMs,
    );
    return view.worker!.id;
  }

  async upload(sessionId: string, csv: string): Promise<string> {
    const dataset = await this.request<{ id: string }>(
      "POST",
      `/v1/sessions/${sessionId}/datasets?name=data.csv`,
      csv,
      "text/csv",
    );
    return dataset.id;
  }

  async analyze(sessionId: string, datasetId: string, query: string): Promise<string> {
    const accepted = await this.request<{ jobId: string }>("POST", `/v1/sessions/${sessionId}/analyses`, {
      datasetId,
      query,
    });
    return accepted.jobId;
  }

  job(jobId: string): Promise<JobView> {
    return this.request<JobView>("GET", `/v1/jobs/${jobId}`);
  }

  async finished(jobId: string, timeoutMs = 120_000): Promise<JobView> {
    return waitFor(
      `${jobId} finished`,
      async () => {
        const job = await this.job(jobId);
        return ["succeeded", "failed", "cancelled"].includes(job.status) ? job : undefined;
      },
      timeoutMs,
    );
  }

  async eventsOf(sessionId: string): Promise<AssayEvent[]> {
    return (await this.events.after(sessionId, "0")).map((stored) => stored.event);
  }

  /** Containers of this stack's scheduler, by name. */
  async containers(): Promise<string[]> {
    const filters = {
      label: [`${LABELS.managedBy}=${MANAGED_BY}`, `${LABELS.schedulerId}=${this.schedulerId}`],
    };
    const containers = await this.podman.docker.listContainers({ all: true, filters });
    return containers.map((container) => container.Names[0]?.replace(/^\//, "") ?? container.Id);
  }

  /** Worker Redis users (session and pool slot users) under this stack's prefix. */
  async redisUsers(): Promise<string[]> {
    const users = (await this.redis.call("ACL", "USERS")) as string[];
    return users.filter((name) => name.startsWith(`${this.prefix}-worker-`));
  }

  /**
   * Deletes every session through the api and waits for the scheduler to purge them, closes the
   * schedulers, then fails if a container or a worker Redis user outlived them (the leak guard);
   * removes leftovers either way.
   */
  async cleanup(): Promise<void> {
    const { sessions } = await this.request<SessionList>("GET", "/v1/sessions?limit=100").catch(() => ({
      sessions: [] as SessionView[],
    }));
    for (const session of sessions)
      await this.request("DELETE", `/v1/sessions/${session.id}`).catch(() => {});
    if (this.schedulers.length > 0) {
      await waitFor(
        "sessions purged",
        async () => (await this.redis.zcard(this.keys.sessions)) === 0,
        60_000,
      ).catch(() => {});
    }
    for (const running of [...this.schedulers]) await this.stopScheduler(running);
    const leakedContainers = await this.containers();
    for (const name of leakedContainers) await this.podman.docker.getContainer(name).remove({ force: true });
    const leakedUsers = await this.redisUsers();
    for (const user of leakedUsers) await this.redis.call("ACL", "DELUSER", user);
    await unlinkMatching(this.redis, `${this.prefix}:*`);
    if (this.api && this.api.exitCode === null) {
      this.api.kill("SIGTERM");
      await once(this.api, "exit");
    }
    await closeRedis(this.redis);
    if (leakedContainers.length > 0)
      throw new Error(`leak guard: containers left: ${leakedContainers.join(", ")}`);
    if (leakedUsers.length > 0) throw new Error(`leak guard: Redis users left: ${leakedUsers.join(", ")}`);
  }
}
