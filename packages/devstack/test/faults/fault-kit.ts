import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AssayApiError, AssayClient } from "@assay/client";
import type { JobView } from "@assay/contracts";
import { Redis, type RedisOptions } from "ioredis";
import { nanoid } from "nanoid";
import { freePort, processWorkerPids } from "../../src/index.js";
import { eventually } from "../stack-fixture.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

/** One service process that a fault test kills, stops and starts again with the same settings. */
export class ServiceProcess {
  child: ChildProcess | undefined;
  readonly lines: string[] = [];

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly env: () => Record<string, string>,
  ) {}

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    const child = spawn(this.command, this.args, {
      env: { ...process.env, ...this.env() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding("utf8").on("data", (chunk: string) => {
        for (const line of chunk.split("\n")) if (line) this.lines.push(line);
      });
    }
    this.child = child;
  }

  /** Sends `signal` and waits for the exit; SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill(signal);
    });
  }

  kill(): Promise<void> {
    return this.stop("SIGKILL");
  }
}

/** A redis-server of the test's own, on a free port, AOF on (fsync always), that it can kill and restart. */
export class FaultRedis {
  readonly process: ServiceProcess;

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {
    this.process = new ServiceProcess(
      "redis",
      "redis-server",
      [
        ...["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""],
        ...["--appendonly", "yes", "--appendfsync", "always"],
      ],
      () => ({}),
    );
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(dir: string): Promise<FaultRedis> {
    const redis = new FaultRedis(await freePort(), path.join(dir, "redis"));
    await mkdir(redis.dir, { recursive: true });
    await redis.up();
    return redis;
  }

  /** Starts redis-server (again) on the same port and AOF dir, and waits until it answers. */
  async up(): Promise<void> {
    this.process.start();
    await eventually(() => this.ping().then((ok) => (ok ? true : undefined)), 10_000, "redis to answer");
  }

  async ping(): Promise<boolean> {
    const client = this.client({ lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      return (await client.ping()) === "PONG";
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  client(options: RedisOptions = {}): Redis {
    const client = new Redis(this.port, "127.0.0.1", { connectTimeout: 1_000, ...options });
    client.on("error", () => {});
    return client;
  }

  async close(): Promise<void> {
    await this.process.stop("SIGKILL");
  }
}

export interface FaultStackOptions {
  /** Environment for every service. */
  env?: Record<string, string>;
  /** How many api processes (each on its own port). */
  apis?: number;
  /** A data dir of the test's own (a tmpfs mount); a fresh temp dir otherwise. */
  dataDir?: string;
}

/**
 * A stack of separately killable processes: its own Redis, one scheduler, one or more apis.
 * Short locks, heartbeats and backoffs so that recovery after a fault takes seconds.
 */
export class FaultStack {
  readonly keyPrefix = `test-${nanoid(10)}`;
  readonly apis: ServiceProcess[] = [];
  readonly apiPorts: number[] = [];
  scheduler!: ServiceProcess;
  redis!: FaultRedis;
  private ownDir!: string;
  dataDir!: string;
  private readonly env: Record<string, string>;

  private constructor(private readonly options: FaultStackOptions) {
    this.env = options.env ?? {};
  }

  static async start(options: FaultStackOptions = {}): Promise<FaultStack> {
    const stack = new FaultStack(options);
    try {
      await stack.boot();
    } catch (error) {
      await stack.close();
      throw error;
    }
    return stack;
  }

  private serviceEnv(): Record<string, string> {
    return {
      REDIS_URL: this.redis.url,
      KEY_PREFIX: this.keyPrefix,
      DATA_DIR: this.dataDir,
      LOG_LEVEL: "info",
      AUTH_DISABLED: "true",
      HOST: "127.0.0.1",
      SCHEDULER_ID: `sched-${this.keyPrefix}`,
      SCHEDULER_STOP_WORKERS_ON_EXIT: "true",
      HEARTBEAT_MS: "1000",
      LEASE_MS: "2000",
      WORKER_LOCK_DURATION_MS: "2000",
      RESTART_BACKOFF_MS: "100",
      RESTART_BACKOFF_MAX_MS: "1000",
      REDIS_COMMAND_TIMEOUT_MS: "1000",
      SHUTDOWN_DEADLINE_MS: "5000",
      // Load loops poll hard: tenant limits are tested elsewhere.
      TENANT_REQUESTS_PER_MINUTE: "1000000",
      TENANT_MAX_CONCURRENT_JOBS: "1000",
      ...this.env,
    };
  }

  private async boot(): Promise<void> {
    this.ownDir = await mkdtemp(path.join(os.tmpdir(), "assay-fault-"));
    this.dataDir = this.options.dataDir ?? path.join(this.ownDir, "data");
    this.redis = await FaultRedis.start(this.ownDir);
    this.scheduler = new ServiceProcess(
      "scheduler",
      process.execPath,
      [path.join(repoRoot, "services/scheduler/dist/main.js")],
      () => this.serviceEnv(),
    );
    this.scheduler.start();
    for (let i = 0; i < (this.options.apis ?? 1); i++) {
      const port = await freePort();
      this.apiPorts.push(port);
      this.apis.push(
        new ServiceProcess(
          `api-${i}`,
          process.execPath,
          [path.join(repoRoot, "services/api/dist/main.js")],
          () => ({
            ...this.serviceEnv(),
            PORT: String(port),
          }),
        ),
      );
    }
    for (const api of this.apis) api.start();
    for (let i = 0; i < this.apis.length; i++) await this.waitReady(i);
  }

  apiUrl(index = 0): string {
    return `http://127.0.0.1:${this.apiPorts[index]}`;
  }

  client(index = 0): AssayClient {
    return new AssayClient({ baseUrl: this.apiUrl(index), reconnectDelayMs: 100 });
  }

  /** Waits until api `index` answers /readyz (Redis and a scheduler up). */
  async waitReady(index = 0, timeoutMs = 60_000): Promise<void> {
    await eventually(
      async () => {
        const api = this.apis[index]!;
        if (!api.running) throw new Error(`${api.name} exited: ${api.lines.slice(-5).join("\n")}`);
        const ok = await fetch(`${this.apiUrl(index)}/readyz`).then(
          (response) => response.ok,
          () => false,
        );
        return ok ? true : undefined;
      },
      timeoutMs,
      `api ${index} to be ready`,
    );
  }

  /** Restarts api `index` on the same port after it was stopped or killed. */
  async restartApi(index = 0): Promise<void> {
    this.apis[index]!.start();
    await this.waitReady(index);
  }

  /** Pids of the session workers the process runtime has running now, by worker id. */
  workerPids(): Promise<Map<string, number>> {
    return processWorkerPids(this.dataDir);
  }

  /** All lines the services printed, for a failing test's message. */
  logs(): string {
    return [this.scheduler, ...this.apis, this.redis.process]
      .flatMap((service) => service.lines.map((line) => `[${service.name}] ${line}`))
      .join("\n");
  }

  async close(): Promise<void> {
    for (const api of this.apis) await api.stop();
    await this.scheduler?.stop();
    // Workers the scheduler could not stop (it was killed mid-test) must not outlive the test.
    for (const pid of (await this.workerPids().catch(() => new Map<string, number>())).values()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
    await this.redis?.close();
    if (process.env.ASSAY_TEST_KEEP_LOGS) console.log(this.logs());
    if (this.ownDir) await rm(this.ownDir, { recursive: true, force: true });
  }
}

/** Final job statuses. */
export const FINAL = ["succeeded", "failed", "cancelled"];

/** True for the answers a client retries: 503 (a dependency is down) and no answer at all. */
export const isRetryable = (error: unknown) =>
  error instanceof AssayApiError && (error.status === 503 || error.code === "UNREACHABLE");

/** Calls `request`, retrying the retryable failures until `timeoutMs`. */
export async function retrying<T>(request: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await request();
    } catch (error) {
      if (!isRetryable(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Polls a job through outages until it is final. */
export async function waitFinal(client: AssayClient, jobId: string, timeoutMs = 150_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await retrying(() => client.getJob(jobId), timeoutMs);
    if (FINAL.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Per-test bound of the fault tests: recovery takes seconds alone, but CI machines (2 cores,
 * shared with other suites) stretch worker starts and stalled-job checks many times over.
 */
export const FAULT_TEST_TIMEOUT_MS = 180_000;
