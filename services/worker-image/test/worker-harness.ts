import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  ANALYSIS_QUEUE,
  type AnalysisJob,
  type AnalysisOptions,
  type AssayEvent,
  type Dataset,
  redisKeys,
} from "@assay/contracts";
import {
  closeRedis,
  createRedis,
  EventLog,
  JobStore,
  LocalStorage,
  newDatasetId,
  newJobId,
  newSessionId,
  SessionStore,
  storageKeys,
} from "@assay/runtime";
import { Queue } from "bullmq";

const packageDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const WORKER_MAIN = path.join(packageDir, "dist/main.js");
const STUB_AGENTS = path.join(packageDir, "test/fixtures/use-stub-agents.mjs");

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * One isolated session for worker tests: its own key prefix, data dir and queue, real Redis, and
 * real worker processes started from the built dist/main.js.
 */
export class WorkerHarness {
  readonly prefix = `test-${randomBytes(8).toString("hex")}`;
  readonly keys = redisKeys(this.prefix);
  readonly sessionId = newSessionId();
  readonly redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", "worker-test");
  readonly events = new EventLog(this.redis, this.keys, 10_000);
  readonly jobs = new JobStore(this.redis, this.keys, this.events);
  readonly sessions = new SessionStore(this.redis, this.keys, this.events);
  readonly queue = new Queue(ANALYSIS_QUEUE, {
    connection: this.redis,
    prefix: this.keys.queuePrefix(this.sessionId),
  });
  private readonly workers: WorkerProcess[] = [];
  dataDir = "";
  storage!: LocalStorage;

  async setUp(): Promise<this> {
    this.dataDir = await mkdtemp(path.join(os.tmpdir(), "assay-worker-test-"));
    this.storage = new LocalStorage(this.dataDir);
    return this;
  }

  /** Starts a worker process; `stub` runs it with the controllable stand-in pipeline. */
  startWorker(env: Record<string, string> = {}, { stub = true } = {}): WorkerProcess {
    const child = spawn(process.execPath, [...(stub ? ["--import", STUB_AGENTS] : []), WORKER_MAIN], {
      env: {
        PATH: process.env.PATH,
        REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
        KEY_PREFIX: this.prefix,
        DATA_DIR: this.dataDir,
        SESSION_ID: this.sessionId,
        WORKER_ID: `test-worker-${this.workers.length + 1}`,
        HEARTBEAT_MS: "200",
        LOG_LEVEL: "info",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const worker = { child, output: () => output, exited };
    this.workers.push(worker);
    return worker;
  }

  async addCsvDataset(csv: string, rows: number): Promise<Dataset> {
    const id = newDatasetId();
    const { bytes } = await this.storage.write(storageKeys.dataset(this.sessionId, id, "csv"), csv);
    const dataset: Dataset = {
      id,
      name: "test.csv",
      format: "csv",
      bytes,
      sha256: "0".repeat(64),
      rows,
      columns: [],
      createdAt: new Date().toISOString(),
    };
    await this.sessions.addDataset(this.sessionId, dataset);
    return dataset;
  }

  /** Submits a job the way the api does: status record first, then the BullMQ job. */
  async submit(
    datasetId: string,
    query: string,
    { attempts = 1, options = {} }: { attempts?: number; options?: Partial<AnalysisOptions> } = {},
  ): Promise<string> {
    const job: AnalysisJob = {
      jobId: newJobId(),
      sessionId: this.sessionId,
      datasetId,
      query,
      options: { llm: "off", alpha: 0.05, ...options },
      submittedAt: new Date().toISOString(),
    };
    await this.jobs.create(job);
    await this.queue.add("analysis", job, { jobId: job.jobId, attempts });
    return job.jobId;
  }

  async jobEvents(jobId: string): Promise<AssayEvent[]> {
    const stored = await this.events.after(this.sessionId, "0", 10_000);
    return stored.map(({ event }) => event).filter((event) => "jobId" in event && event.jobId === jobId);
  }

  /** Waits until the job has an event matching `match`, and returns all its events so far. */
  async waitForEvent(jobId: string, match: (event: AssayEvent) => boolean): Promise<AssayEvent[]> {
    return waitFor(async () => {
      const events = await this.jobEvents(jobId);
      return events.some(match) ? events : undefined;
    }, `event of job ${jobId}`);
  }

  async tearDown(): Promise<void> {
    for (const { child, exited } of this.workers) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    }
    await this.queue.close();
    const stale = await this.redis.keys(`${this.prefix}:*`);
    if (stale.length > 0) await this.redis.unlink(...stale);
    await closeRedis(this.redis);
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** Polls until `probe` returns a value (not undefined); fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A small numeric CSV: `rows` rows of (group, x, y). */
export function numericCsv(rows: number): string {
  const lines = ["group,x,y"];
  for (let i = 0; i < rows; i++) lines.push(`${i % 2 === 0 ? "a" : "b"},${i},${(i * 7) % 13}`);
  return `${lines.join("\n")}\n`;
}
