import { type ChildProcess, spawn } from "node:child_process";
import { access, mkdir, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { AppError } from "@assay/contracts";
import type { Logger } from "@assay/runtime";
import { z } from "zod";
import type { WorkerInfo, WorkerRuntime, WorkerSpec } from "./runtime.js";

/** What survives a scheduler restart: enough to find, verify and stop the process again. */
const ProcessState = z.object({
  workerId: z.string(),
  pid: z.number().int().positive(),
  labels: z.record(z.string(), z.string()),
  startedAt: z.string(),
});
type ProcessState = z.infer<typeof ProcessState>;

export class WorkerStartFailed extends AppError {
  constructor(
    readonly workerId: string,
    message: string,
    cause?: unknown,
  ) {
    super("INTERNAL", `worker ${workerId} did not start: ${message}`, { cause });
  }
}

export interface ProcessRuntimeOptions {
  dataDir: string;
  /** The worker program, run as `node <entry>`. */
  entry: string;
  /** The scheduler's PATH: the only variable of its environment a worker inherits. */
  path: string;
  logger: Logger;
}

interface Child {
  process: ChildProcess;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
}

const SAFE_WORKER_ID = /^[A-Za-z0-9_.-]{1,128}$/;
const STOP_POLL_MS = 50;

/**
 * Runs each worker as a detached child process (its own process group, so a scheduler crash
 * leaves it running). A state file per worker lets a restarted scheduler find it again.
 */
export class ProcessRuntime implements WorkerRuntime {
  readonly kind = "process" as const;
  private readonly dir: string;
  private readonly children = new Map<string, Child>();

  constructor(private readonly options: ProcessRuntimeOptions) {
    this.dir = path.join(path.resolve(options.dataDir), "runtime", "process");
  }

  async start(spec: WorkerSpec): Promise<WorkerInfo> {
    if (!SAFE_WORKER_ID.test(spec.workerId)) throw new WorkerStartFailed(spec.workerId, "unsafe worker id");
    try {
      await access(this.options.entry);
    } catch (error) {
      throw new WorkerStartFailed(spec.workerId, `worker entry ${this.options.entry} not found`, error);
    }
    await mkdir(this.dir, { recursive: true });
    const log = await open(this.file(spec.workerId, "log"), "a");
    let entry: Child;
    try {
      const child = spawn(process.execPath, [this.options.entry], {
        env: { ...spec.env, PATH: this.options.path },
        detached: true,
        stdio: ["ignore", log.fd, log.fd],
      });
      entry = { process: child };
      child.once("exit", (code, signal) => {
        entry.exit = { code, signal };
      });
      await new Promise<void>((resolve, reject) => {
        child.once("spawn", resolve);
        child.once("error", reject);
      });
    } catch (error) {
      throw new WorkerStartFailed(spec.workerId, "spawn failed", error);
    } finally {
      await log.close(); // the child holds its own copy of the descriptor
    }
    const pid = entry.process.pid!;
    entry.process.unref();
    this.children.set(spec.workerId, entry);
    const state: ProcessState = {
      workerId: spec.workerId,
      pid,
      labels: spec.labels,
      startedAt: new Date().toISOString(),
    };
    await writeFile(this.file(spec.workerId, "json"), JSON.stringify(state));
    this.options.logger.debug({ workerId: spec.workerId, pid }, "worker process started");
    return {
      id: spec.workerId,
      state: "running",
      exitCode: null,
      labels: spec.labels,
      startedAt: state.startedAt,
    };
  }

  async stop(workerId: string, graceMs: number): Promise<void> {
    const state = await this.readState(workerId);
    const pid = this.children.get(workerId)?.process.pid ?? state?.pid;
    if (pid !== undefined && (await this.isRunning(workerId, pid))) {
      signalGroup(pid, "SIGTERM");
      if (!(await this.waitGone(workerId, pid, graceMs))) {
        this.options.logger.warn({ workerId, pid, graceMs }, "worker ignored SIGTERM, killing");
        signalGroup(pid, "SIGKILL");
        await this.waitGone(workerId, pid, 5_000);
      }
    }
    this.children.delete(workerId);
    await rm(this.file(workerId, "json"), { force: true });
  }

  async inspect(workerId: string): Promise<WorkerInfo | undefined> {
    const state = await this.readState(workerId);
    const child = this.children.get(workerId);
    if (child?.exit) {
      const { code, signal } = child.exit;
      return {
        id: workerId,
        state: "exited",
        exitCode: code,
        exitReason: signal ? `killed by ${signal}` : `exit code ${code}`,
        labels: state?.labels ?? {},
        ...(state ? { startedAt: state.startedAt } : {}),
      };
    }
    return state ? this.infoOf(state) : undefined;
  }

  async list(labels: Record<string, string>): Promise<WorkerInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const infos: WorkerInfo[] = [];
    for (const name of names.filter((file) => file.endsWith(".json"))) {
      const state = await this.readState(name.slice(0, -".json".length));
      if (!state || !Object.entries(labels).every(([key, value]) => state.labels[key] === value)) continue;
      infos.push(await this.infoOf(state));
    }
    return infos;
  }

  /** Stops nothing (workers outlive the scheduler by design); only lets go of the child handles. */
  async close(): Promise<void> {
    for (const { process: child } of this.children.values()) child.removeAllListeners("exit");
    this.children.clear();
  }

  private async infoOf(state: ProcessState): Promise<WorkerInfo> {
    const running = await this.isRunning(state.workerId, state.pid);
    return {
      id: state.workerId,
      state: running ? "running" : "exited",
      exitCode: null,
      ...(running ? {} : { exitReason: "process vanished" }),
      labels: state.labels,
      startedAt: state.startedAt,
    };
  }

  /** Alive and still our worker: a reused pid carries another environment. */
  private async isRunning(workerId: string, pid: number): Promise<boolean> {
    if (this.children.get(workerId)?.exit) return false;
    try {
      const environ = await readFile(`/proc/${pid}/environ`, "latin1");
      return environ.split("\0").includes(`WORKER_ID=${workerId}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      return isAlive(pid); // no /proc (not Linux) or not readable: the pid alone must do
    }
  }

  private async waitGone(workerId: string, pid: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (await this.isRunning(workerId, pid)) {
      if (Date.now() >= deadline) return false;
      await sleep(STOP_POLL_MS);
    }
    return true;
  }

  private async readState(workerId: string): Promise<ProcessState | undefined> {
    if (!SAFE_WORKER_ID.test(workerId)) return undefined;
    try {
      return ProcessState.parse(JSON.parse(await readFile(this.file(workerId, "json"), "utf8")));
    } catch {
      return undefined;
    }
  }

  private file(workerId: string, extension: "json" | "log"): string {
    return path.join(this.dir, `${workerId}.${extension}`);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
