import { ANALYSIS_QUEUE, type RedisKeys } from "@assay/contracts";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

/**
 * One BullMQ Queue per session (each session has its own key prefix), kept in a small
 * least-recently-used map so busy sessions reuse theirs. All share the api's command connection.
 */
export class QueueCache {
  private readonly queues = new Map<string, Queue>();
  private closed = false;

  constructor(
    private readonly connection: Redis,
    private readonly keys: RedisKeys,
    private readonly capacity: number,
  ) {}

  of(sessionId: string): Queue {
    if (this.closed) throw new Error("queue cache is closed");
    let queue = this.queues.get(sessionId);
    if (queue) {
      this.queues.delete(sessionId); // re-insert: Map order is the recency order
    } else {
      queue = new Queue(ANALYSIS_QUEUE, {
        connection: this.connection,
        prefix: this.keys.queuePrefix(sessionId),
      });
      this.evictOldest();
    }
    this.queues.set(sessionId, queue);
    return queue;
  }

  private evictOldest(): void {
    while (this.queues.size >= this.capacity) {
      const [oldestId, oldest] = this.queues.entries().next().value as [string, Queue];
      this.queues.delete(oldestId);
      void oldest.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.allSettled(queues.map((queue) => queue.close()));
  }
}
