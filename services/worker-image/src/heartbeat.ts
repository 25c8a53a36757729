import type { RedisKeys, WorkerHeartbeat } from "@assay/contracts";
import type { Logger, Redis } from "@assay/runtime";
import { workerStartedChannel } from "@assay/runtime/worker-started";

/** Each command's error, or undefined when it succeeded. */
export type CommandErrors = (Error | null | undefined)[];

/**
 * Keeps the session's heartbeat key alive while the worker runs. Its first write is the worker's
 * readiness signal for the scheduler; the TTL (3 beats) makes a dead worker's key vanish.
 * Loads nothing at runtime but the notice's channel name: the first beat goes out before the rest
 * of the worker is imported (the scheduler reads every beat through the `WorkerHeartbeat` contract).
 */
export class Heartbeat {
  private readonly startedAt = new Date().toISOString();
  private state: Pick<WorkerHeartbeat, "state" | "jobId" | "lastJobAt"> = { state: "idle" };
  private timer: NodeJS.Timeout | undefined;
  private redis: Redis | undefined;
  private logger: Logger | undefined;
  /** Why Redis refused the worker-started notice, reported once a logger exists. */
  private noticeRefused: Error | undefined;
  private closed = false;

  constructor(
    private readonly keys: RedisKeys,
    private readonly sessionId: string,
    private readonly workerId: string,
    private readonly intervalMs: number,
  ) {}

  /**
   * The first beat, then the worker-started notice that lets the scheduler mark the session ready
   * at once: to be sent in this order, over any connection, and their errors given to `announced`.
   */
  announcement(): string[][] {
    // Lower-case names: ioredis' pipeline takes them only so.
    return [
      this.beatCommand(),
      ["publish", workerStartedChannel(this.keys.prefix, this.sessionId), this.workerId],
    ];
  }

  /**
   * Takes what the announcement's commands answered. Fails when Redis refused the beat; a refused
   * notice only leaves the scheduler to find the beat on its next loop.
   */
  announced([beatError, noticeError]: CommandErrors): void {
    if (beatError) throw beatError;
    this.noticeRefused = noticeError ?? undefined;
  }

  /** Sends the announcement over the worker's own connection. */
  async announce(redis: Redis): Promise<void> {
    const replies = (await redis.pipeline(this.announcement()).exec()) ?? [];
    this.announced(replies.map(([error]) => error));
  }

  /**
   * Beats every interval with `send` (a one-off connection) while the rest of the worker loads,
   * which can take more than 3 beats on a loaded machine; a missed beat is retried by the next.
   */
  beatWhileLoading(send: (commands: string[][]) => Promise<unknown>): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void send([this.beatCommand()]).catch(() => {}), this.intervalMs);
  }

  /** Beats over `redis` every interval from now on; `logger` reports missed beats. */
  keepBeating(redis: Redis, logger: Logger): void {
    this.redis = redis;
    this.logger = logger;
    if (this.noticeRefused) logger.warn({ err: this.noticeRefused }, "worker-started notice refused");
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
  }

  async busy(jobId: string): Promise<void> {
    this.state = { ...this.state, state: "busy", jobId };
    await this.beat();
  }

  async idle(): Promise<void> {
    this.state = { state: "idle", lastJobAt: new Date().toISOString() };
    await this.beat();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.redis?.del(this.keys.sessionHeartbeat(this.sessionId));
  }

  private async beat(): Promise<void> {
    if (this.closed || !this.redis) return;
    try {
      await this.redis.set(...this.beatArgs());
    } catch (error) {
      // A missed beat is survivable (TTL is 3 beats); the next one retries.
      this.logger?.warn({ err: error }, "heartbeat write failed");
    }
  }

  private beatCommand(): string[] {
    return ["set", ...this.beatArgs()].map(String);
  }

  private beatArgs(): [key: string, value: string, px: "PX", ttlMs: number] {
    const heartbeat: WorkerHeartbeat = {
      workerId: this.workerId,
      ...this.state,
      startedAt: this.startedAt,
      at: new Date().toISOString(),
    };
    return [this.keys.sessionHeartbeat(this.sessionId), JSON.stringify(heartbeat), "PX", 3 * this.intervalMs];
  }
}
