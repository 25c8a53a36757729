import { ANALYSIS_QUEUE } from "@assay/contracts";
import type { Logger } from "@assay/runtime";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { KoaAdapter } from "@bull-board/koa";
import { Queue } from "bullmq";
import type { Middleware } from "koa";
import type { Services } from "../services.js";
import { PAGE_CSP } from "../web/content-security.js";

export const QUEUE_BOARD_PATH = "/admin/queues";
/** The board's list of queues is re-read at most this often (on a request, not in the background). */
const REFRESH_MS = 5_000;

/**
 * bull-board at /admin/queues over the queues of the newest live sessions (ADMIN_QUEUES_LIMIT).
 * Each session has its own queue (same name, own prefix), so a queue shows as `<sessionId>/analyses`.
 * Its own Queue objects: the request path's QueueCache closes queues it evicts.
 */
export class QueueBoard {
  private readonly queues = new Map<string, Queue>();
  private readonly board: ReturnType<typeof createBullBoard>;
  private readonly adapter = new KoaAdapter();
  private refreshedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly services: Pick<Services, "redis" | "keys" | "env">,
    private readonly logger: Logger,
  ) {
    this.adapter.setBasePath(QUEUE_BOARD_PATH);
    this.board = createBullBoard({
      queues: [],
      serverAdapter: this.adapter,
      options: { uiConfig: { boardTitle: "Assay queues" } },
    });
  }

  /** Serves the board behind `adminGuard`; refreshes the queue list first when it is stale. */
  middleware(adminGuard: Middleware): Middleware {
    const board = this.adapter.registerPlugin();
    return async (ctx, next) => {
      if (ctx.path !== QUEUE_BOARD_PATH && !ctx.path.startsWith(`${QUEUE_BOARD_PATH}/`)) return next();
      await adminGuard(ctx, async () => {
        await this.refresh();
        ctx.set("Content-Security-Policy", PAGE_CSP);
        await board(ctx, next);
      });
    };
  }

  private refresh(): Promise<void> {
    if (this.closed || Date.now() - this.refreshedAt < REFRESH_MS) return Promise.resolve();
    this.refreshing ??= this.readSessions().finally(() => {
      this.refreshedAt = Date.now();
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async readSessions(): Promise<void> {
    const { redis, keys, env } = this.services;
    const ids = await redis.zrevrange(keys.sessions, 0, env.ADMIN_QUEUES_LIMIT - 1);
    const live = new Set(ids);
    for (const [sessionId, queue] of this.queues) {
      if (live.has(sessionId)) continue;
      this.queues.delete(sessionId);
      void queue
        .close()
        .catch((error: Error) => this.logger.debug({ err: error.message }, "board queue close"));
    }
    for (const sessionId of ids) {
      if (!this.queues.has(sessionId)) {
        this.queues.set(
          sessionId,
          new Queue(ANALYSIS_QUEUE, { connection: redis, prefix: keys.queuePrefix(sessionId) }),
        );
      }
    }
    this.board.replaceQueues(
      [...this.queues].map(([sessionId, queue]) => new BullMQAdapter(queue, { prefix: `${sessionId}/` })),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.refreshing?.catch(() => {});
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.allSettled(queues.map((queue) => queue.close()));
  }
}
