import { chown } from "node:fs/promises";
import path from "node:path";
import { AppError, SessionId } from "@assay/contracts";
import { LocalStorage, type Logger, storageKeys } from "@assay/runtime";
import Docker from "dockerode";
import { dockerEndpoint } from "./docker-endpoint.js";
import { exitReason } from "./docker-exit-reason.js";
import { LABELS, MANAGED_BY, type WorkerInfo, type WorkerRuntime, type WorkerSpec } from "./runtime.js";

/** Every limit a worker container runs under; each has a locked-down default. */
export interface DockerRuntimeOptions {
  /** DOCKER_HOST value (`unix:///…`, `tcp://host:port`) or a socket path. */
  dockerHost: string;
  /** The scheduler's DATA_DIR; a session's datasets and jobs dirs are mounted from it. */
  dataDir: string;
  /**
   * The same directory as the engine's host sees it, when the scheduler itself runs in a container
   * (compose: DATA_DIR=/data inside, ASSAY_DATA_DIR on the host). Bind mounts name host paths.
   * Defaults to `dataDir`.
   */
  hostDataDir?: string;
  logger: Logger;
  image?: string;
  /** A network that reaches Redis and nothing else (create it `--internal`). */
  network?: string;
  /** Non-root `uid:gid`; the session's jobs dir is chowned to it when the scheduler runs as root. */
  user?: string;
  memoryBytes?: number;
  nanoCpus?: number;
  pidsLimit?: number;
  /** Both are always sent: podman replaces its defaults with a partial list and the start fails. */
  ulimits?: { nofile: number; nproc: number };
  tmpfsBytes?: number;
  readonlyRootfs?: boolean;
  /** Where DATA_DIR points inside the container. */
  containerDataDir?: string;
  /** Overrides the image's command (tests run tiny scripts in the worker image). */
  command?: string[];
}

type ResolvedOptions = Required<Omit<DockerRuntimeOptions, "command" | "logger">> &
  Pick<DockerRuntimeOptions, "command">;

export const DOCKER_DEFAULTS = {
  image: "localhost/assay-worker:latest",
  network: "assay-workers",
  user: "10001:10001",
  memoryBytes: 1024 * 1024 * 1024,
  nanoCpus: 1_000_000_000,
  pidsLimit: 256,
  ulimits: { nofile: 4096, nproc: 4096 },
  tmpfsBytes: 64 * 1024 * 1024,
  readonlyRootfs: true,
  containerDataDir: "/data",
} as const;

/** The Docker endpoint did not answer; the docker runtime never falls back to another one. */
export class DockerUnavailable extends AppError {
  constructor(
    readonly endpoint: string,
    cause: unknown,
  ) {
    super("INTERNAL", `Docker API at ${endpoint} is unreachable: ${(cause as Error)?.message ?? cause}`, {
      cause,
    });
  }
}

/** Workers join a network that must exist: created `--internal`, with Redis on it. */
export class WorkerNetworkMissing extends AppError {
  constructor(
    readonly network: string,
    cause: unknown,
  ) {
    super(
      "INTERNAL",
      `worker network ${network} not found: create it (docker network create --internal ${network}) and attach Redis to it`,
      { cause },
    );
  }
}

/** A worker id is used as the container name, so it must be a valid one. */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
const RUNNING_STATES = new Set(["created", "running", "paused", "restarting"]);

/** Status codes of "already gone" / "already stopped" answers. */
function isGone(error: unknown): boolean {
  const status = (error as { statusCode?: number }).statusCode;
  return status === 404 || status === 304;
}

/**
 * One locked-down container per session worker: non-root, no capabilities, no new privileges,
 * read-only rootfs with a small /tmp, memory/cpu/pids/ulimits, on a network that only reaches Redis,
 * and exactly two host mounts: the session's datasets (read-only) and jobs (read-write).
 */
export class DockerRuntime implements WorkerRuntime {
  readonly kind = "docker" as const;
  private readonly options: ResolvedOptions;
  private readonly storage: LocalStorage;
  private readonly logger: Logger;

  private constructor(
    readonly docker: Docker,
    options: DockerRuntimeOptions,
  ) {
    const { logger, ...rest } = options;
    const dataDir = path.resolve(options.dataDir);
    this.options = {
      ...DOCKER_DEFAULTS,
      ...rest,
      dataDir,
      hostDataDir: path.resolve(options.hostDataDir ?? dataDir),
    };
    this.storage = new LocalStorage(this.options.dataDir);
    this.logger = logger.child({ runtime: "docker" });
  }

  /** Connects and pings; throws `DockerUnavailable` when the endpoint does not answer. */
  static async connect(options: DockerRuntimeOptions): Promise<DockerRuntime> {
    const docker = new Docker({ ...dockerEndpoint(options.dockerHost), timeout: 30_000 });
    try {
      await docker.ping();
    } catch (error) {
      throw new DockerUnavailable(options.dockerHost, error);
    }
    const network = options.network ?? DOCKER_DEFAULTS.network;
    try {
      await docker.getNetwork(network).inspect();
    } catch (error) {
      throw new WorkerNetworkMissing(network, error);
    }
    return new DockerRuntime(docker, options);
  }

  /** The scheduler's DATA_DIR on the host, absolute. */
  get dataDir(): string {
    return this.options.dataDir;
  }

  /** A path under the scheduler's DATA_DIR as the engine's host sees it (for bind mounts). */
  hostPath(localPath: string): string {
    const relative = path.relative(this.options.dataDir, localPath);
    if (relative.startsWith("..") || path.isAbsolute(relative))
      throw new Error(`${localPath} is not under DATA_DIR ${this.options.dataDir}`);
    return path.join(this.options.hostDataDir, relative);
  }

  /** Where DATA_DIR points inside a worker container. */
  get containerDataDir(): string {
    return this.options.containerDataDir;
  }

  async start(spec: WorkerSpec): Promise<WorkerInfo> {
    const sessionId = SessionId.parse(spec.sessionId);
    const binds = await this.sessionBinds(sessionId);
    const labels = { ...spec.labels, [LABELS.managedBy]: MANAGED_BY, [LABELS.sessionId]: sessionId };
    const env = { ...spec.env, DATA_DIR: this.options.containerDataDir };
    const container = await this.create(spec.workerId, labels, env, binds);
    try {
      await container.start();
    } catch (error) {
      await container.remove({ force: true }).catch(() => {}); // the start error is the one to report
      throw error;
    }
    this.logger.info(
      { sessionId, workerId: spec.workerId, image: this.options.image },
      "worker container started",
    );
    const info = await this.inspect(spec.workerId);
    if (!info) throw new Error(`worker container ${spec.workerId} vanished right after it started`);
    return info;
  }

  /**
   * Creates (does not start) a locked-down container. `binds` are `host:container:mode` strings;
   * the warm pool passes its per-slot dirs here.
   */
  async create(
    name: string,
    labels: Record<string, string>,
    env: Record<string, string>,
    binds: string[],
  ): Promise<Docker.Container> {
    if (!CONTAINER_NAME.test(name))
      throw new Error(`worker id ${JSON.stringify(name)} is not a container name`);
    const o = this.options;
    return this.docker.createContainer({
      name,
      Image: o.image,
      ...(o.command ? { Cmd: o.command } : {}),
      Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
      Labels: labels,
      User: o.user,
      HostConfig: {
        Memory: o.memoryBytes,
        MemorySwap: o.memoryBytes,
        NanoCpus: o.nanoCpus,
        PidsLimit: o.pidsLimit,
        Ulimits: [
          { Name: "nofile", Soft: o.ulimits.nofile, Hard: o.ulimits.nofile },
          { Name: "nproc", Soft: o.ulimits.nproc, Hard: o.ulimits.nproc },
        ],
        ReadonlyRootfs: o.readonlyRootfs,
        Tmpfs: { "/tmp": `rw,noexec,nosuid,nodev,size=${o.tmpfsBytes}` },
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        NetworkMode: o.network,
        Binds: binds,
        RestartPolicy: { Name: "no" },
        // An init as PID 1 forwards SIGTERM to node (PID 1 itself would ignore it) and reaps children.
        Init: true,
      },
    });
  }

  /** Creates the session's host dirs and returns its two bind mounts. */
  private async sessionBinds(sessionId: string): Promise<string[]> {
    const datasets = storageKeys.datasetsDir(sessionId);
    const jobs = storageKeys.jobsDir(sessionId);
    const hostDatasets = await this.storage.ensureDir(datasets);
    const hostJobs = await this.storage.ensureDir(jobs);
    await this.giveToWorkerUser(hostJobs);
    const inside = (key: string) => path.posix.join(this.options.containerDataDir, key);
    return [
      `${this.hostPath(hostDatasets)}:${inside(datasets)}:ro`,
      `${this.hostPath(hostJobs)}:${inside(jobs)}:rw`,
    ];
  }

  /** The worker writes its artifacts as a non-root uid: it must own the jobs dir it is given. */
  async giveToWorkerUser(hostDir: string): Promise<void> {
    if (process.getuid?.() !== 0) return; // a non-root scheduler runs workers as its own uid
    const [uid, gid] = this.options.user.split(":").map(Number);
    if (uid === undefined || Number.isNaN(uid)) return;
    await chown(hostDir, uid, gid === undefined || Number.isNaN(gid) ? uid : gid);
  }

  /** Renames a container (a pooled one takes its worker id when it gets its session). */
  async rename(containerId: string, name: string): Promise<void> {
    if (!CONTAINER_NAME.test(name))
      throw new Error(`worker id ${JSON.stringify(name)} is not a container name`);
    await this.docker.getContainer(containerId).rename({ name });
  }

  async stop(workerId: string, graceMs: number): Promise<void> {
    const container = this.docker.getContainer(workerId);
    try {
      await container.stop({ t: Math.max(0, Math.ceil(graceMs / 1000)) });
    } catch (error) {
      if (!isGone(error)) throw error;
    }
    try {
      await container.remove({ force: true, v: true });
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  }

  async inspect(workerId: string): Promise<WorkerInfo | undefined> {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(workerId).inspect();
    } catch (error) {
      if (isGone(error)) return undefined;
      throw error;
    }
    const running = RUNNING_STATES.has(info.State.Status);
    return {
      id: info.Name.replace(/^\//, ""),
      state: running ? "running" : "exited",
      exitCode: running ? null : info.State.ExitCode,
      ...(running
        ? {}
        : { exitReason: exitReason(info.State.ExitCode, info.State.OOMKilled, info.State.Error) }),
      labels: info.Config.Labels ?? {},
      ...(info.State.StartedAt ? { startedAt: info.State.StartedAt } : {}),
    };
  }

  async list(labels: Record<string, string>): Promise<WorkerInfo[]> {
    const filters = { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) };
    const containers = await this.docker.listContainers({ all: true, filters });
    const infos = await Promise.all(
      containers.map((container) => this.inspect(container.Names[0]?.replace(/^\//, "") ?? container.Id)),
    );
    return infos.filter((info): info is WorkerInfo => info !== undefined);
  }

  /** dockerode opens a connection per request and keeps none: nothing to release. Idempotent. */
  async close(): Promise<void> {}
}
