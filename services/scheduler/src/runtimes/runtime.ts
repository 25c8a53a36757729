import type { RuntimeKind } from "@assay/contracts";

/** Labels every worker carries so a scheduler can always find its own (container labels, process state files). */
export const LABELS = {
  managedBy: "io.assay.managed-by",
  schedulerId: "io.assay.scheduler-id",
  sessionId: "io.assay.session-id",
  runtimeVersion: "io.assay.runtime-version",
  /** "pool" for a pre-started container not yet given to a session. */
  role: "io.assay.role",
  /** The warm-pool slot a pre-started container was created for. */
  poolSlot: "io.assay.pool-slot",
} as const;
export const MANAGED_BY = "assay";

/** What a worker needs to start: its session and the environment the worker program reads. */
export interface WorkerSpec {
  sessionId: string;
  workerId: string;
  labels: Record<string, string>;
  env: Record<string, string>;
}

/** What a pre-started worker needs to become a session's: it keeps its own environment and Redis login. */
export type WarmWorkerSpec = Pick<WorkerSpec, "sessionId" | "workerId">;

export type WorkerState = "running" | "exited";

export interface WorkerInfo {
  id: string;
  state: WorkerState;
  exitCode: number | null;
  /** Why it exited, as far as the runtime can tell ("exit code 1", "killed (OOM)", ...). */
  exitReason?: string;
  labels: Record<string, string>;
  startedAt?: string;
}

/**
 * Where session workers run: a child process (embedded default) or a container.
 * The scheduler drives every runtime the same way and polls `inspect` to watch them,
 * so adopted workers (not children of this process) are watched like new ones.
 */
export interface WorkerRuntime {
  readonly kind: RuntimeKind;
  start(spec: WorkerSpec): Promise<WorkerInfo>;
  /**
   * Gives the session an already started worker (a warm pool), or undefined when none is idle.
   * Tried before `start`, so what only a new worker needs (the session's Redis user) is made only then.
   */
  startWarm?(worker: WarmWorkerSpec): Promise<WorkerInfo | undefined>;
  /**
   * The worker's first heartbeat arrived and its session is ready: work a runtime held back so it
   * would not compete with the start (a warm pool's rename and refill) runs now. Never throws.
   */
  workerReady?(workerId: string): void;
  /** Stops gracefully (SIGTERM), then forcibly after `graceMs`; removes what it created. Idempotent. */
  stop(workerId: string, graceMs: number): Promise<void>;
  inspect(workerId: string): Promise<WorkerInfo | undefined>;
  /** Workers whose labels include every given label. */
  list(labels: Record<string, string>): Promise<WorkerInfo[]>;
  close(): Promise<void>;
}
