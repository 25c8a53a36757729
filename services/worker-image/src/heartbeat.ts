import { type RedisKeys, WorkerHeartbeat } from "@assay/contracts";
import type { Logger, Redis } from "@assay/runtime";

/**
 * Keeps the session's heartbeat key alive while the worker runs. Its first write is the worker's
 * readiness signal for the scheduler; the TTL (3 beats) makes a dead worker's key vanish.
 */
export class Heartbeat {
  private readonly startedAt = new Date().toISOString();
  private state: Pick<WorkerHeartbeat, "state" | "jobId" | "lastJobAt"> = { state: "idle" };
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly sessionId: string,
    private readonly workerId: string,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  /** Writes the first beat and then one every interval. */
  async start(): Promise<void> {
    await this.beat();
    this.timer ??= setInterval(() => void this.beat(), this.intervalMs);
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
    const heartbeat = WorkerHeartbeat.parse({
      workerId: this.workerId,
      ...this.state,
      startedAt: this.startedAt,
      at: new Date().toISOString(),
    });
    try {
      await this.redis.set(
        this.keys.sessionHeartbeat(this.sessionId),
        JSON.stringify(heartbeat),
        "PX",
        3 * this.intervalMs,
      );
    } catch (error) {
      // A missed beat is survivable (TTL is 3 beats); the next one retries.
      this.logger.warn({ err: error }, "heartbeat write failed");
    }
  }
}
