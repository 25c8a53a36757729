import { ANALYSIS_QUEUE } from "@assay/contracts";
import type { Logger } from "@assay/runtime";
import type { createBullBoard } from "@bull-board/api";
import type { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import type { KoaAdapter } from "@bull-board/koa";
import { Queue } from "bullmq";
import type { Middleware } from "koa";
import type { Services } from "../services.js";
import { PAGE_CSP } from "../web/content-security.js";

export const QUEUE_BOARD_PATH = "/admin/queues";
/** The board's list of queues is re-read at most this often (on a request, not in the background). */
const REFRESH_MS = 5_000;

interface LoadedBoard {
  board: ReturnType<typeof createBullBoard>;
  serve: ReturnType<KoaAdapter["registerPlugin"]>;
  Adapter: typeof BullMQAdapter;
}

/**
 * bull-board at /admin/queues over the queues of the newest live sessions (ADMIN_QUEUES_LIMIT).
 * Each session has its own queue (same name, own prefix), so a queue shows as `<sessionId>/analyses`.
 * Its own Queue objects: the request path's QueueCache closes queues it evicts. bull-board is
 * imported on the first board request: loaded at start it would add ~11 MB to every idle api.
 */
export class QueueBoard {
  private readonly queues = new Map<string, Queue>();
  private loaded: Promise<LoadedBoard> | undefined;
  private refreshedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly services: Pick<Services, "redis" | "queueRedis" | "keys" | "env">,
    private readonly logger: Logger,
  ) {}

  /** Serves the board behind `adminGuard`; refreshes the queue list first when it is stale. */
  middleware(adminGuard: Middleware): Middleware {
    return async (ctx, next) => {
      if (ctx.path !== QUEUE_BOARD_PATH && !ctx.path.startsWith(`${QUEUE_BOARD_PATH}/`)) return next();
      await adminGuard(ctx, async () => {
        const { serve } = await this.load();
        await this.refresh();
        ctx.set("Content-Security-Policy", PAGE_CSP);
        await serve(ctx, next);
      });
    };
  }

  private load(): Promise<LoadedBoard> {
    this.loaded ??= (async () => {
      const [{ createBullBoard }, { BullMQAdapter }, { KoaAdapter }] = await Promise.all([
        import("@bull-board/api"),
        import("@bull-board/api/bullMQAdapter"),
        import("@bull-board/koa"),
      ]);
      const adapter = new KoaAdapter();
      adapter.setBasePath(QUEUE_BOARD_PATH);
      const board = createBullBoard({
        queues: [],
        serverAdapter: adapter,
        options: { uiConfig: { boardTitle: "Assay queues" } },
      });
      return { board, serve: adapter.registerPlugin(), Adapter: BullMQAdapter };
    })();
    return this.loaded;
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
    const { board, Adapter } = await this.load();
    const { redis, queueRedis, keys, env } = this.services;
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
          new Queue(ANALYSIS_QUEUE, { connection: queueRedis, prefix: keys.queuePrefix(sessionId) }),
        );
      }
    }
    board.replaceQueues(
      [...this.queues].map(([sessionId, queue]) => new Adapter(queue, { prefix: `${sessionId}/` })),
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
