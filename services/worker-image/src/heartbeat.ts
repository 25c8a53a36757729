import type { RedisKeys, WorkerHeartbeat } from "@assay/contracts";
import type { Logger, Redis } from "@assay/runtime";
import { workerStartedChannel } from "@assay/runtime/worker-started";

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
  private logger: Logger | undefined;
  /** Why Redis refused the worker-started notice, reported once a logger exists. */
  private noticeRefused: Error | undefined;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly sessionId: string,
    private readonly workerId: string,
    private readonly intervalMs: number,
  ) {}

  /**
   * The first beat, followed by the worker-started notice that lets the scheduler mark the session
   * ready at once, then a beat every interval: the rest of the worker loads after this, which can
   * take more than 3 beats on a loaded machine. Fails when Redis refuses the beat; a refused notice
   * only leaves the scheduler to find the beat on its next loop.
   */
  async announce(): Promise<void> {
    const [[beatError] = [], [noticeError] = []] =
      (await this.redis
        .pipeline()
        .set(...this.beatArgs())
        .publish(workerStartedChannel(this.keys.prefix, this.sessionId), this.workerId)
        .exec()) ?? [];
    if (beatError) throw beatError;
    this.noticeRefused = noticeError ?? undefined;
    this.timer ??= setInterval(() => void this.beat(), this.intervalMs);
  }

  /** From now on `logger` reports missed beats (and a refused notice, once). */
  reportTo(logger: Logger): void {
    this.logger = logger;
    if (this.noticeRefused) logger.warn({ err: this.noticeRefused }, "worker-started notice refused");
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
    await this.redis.del(this.keys.sessionHeartbeat(this.sessionId));
  }

  private async beat(): Promise<void> {
    if (this.closed) return;
    try {
      await this.redis.set(...this.beatArgs());
    } catch (error) {
      // A missed beat is survivable (TTL is 3 beats); the next one retries.
      this.logger?.warn({ err: error }, "heartbeat write failed");
    }
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
