import { ANALYSIS_QUEUE, type RedisKeys } from "@assay/contracts";
import type { Redis } from "@assay/runtime";
import { Queue } from "bullmq";

/** Job states in which a session still needs its worker. */
const WORK_STATES = ["waiting", "active", "delayed", "prioritized", "waiting-children"] as const;

/** Asks a session's BullMQ queue whether anything is waiting or running, over the scheduler's connection. */
export class QueueProbe {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async hasWork(sessionId: string): Promise<boolean> {
    let queue = this.queues.get(sessionId);
    if (!queue) {
      queue = new Queue(ANALYSIS_QUEUE, { connection: this.redis, prefix: this.keys.queuePrefix(sessionId) });
      this.queues.set(sessionId, queue);
    }
    const counts = await queue.getJobCounts(...WORK_STATES);
    return Object.values(counts).some((count) => count > 0);
  }

  /** Drops the cached queue handle of a session this scheduler no longer owns. */
  async forget(sessionId: string): Promise<void> {
    const queue = this.queues.get(sessionId);
    this.queues.delete(sessionId);
    await queue?.close();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.keys()].map((sessionId) => this.forget(sessionId)));
  }
}
