import type { Logger, Redis } from "@assay/runtime";

/** The exit code of a worker whose Redis user is gone; the scheduler restarts it with a fresh one. */
export const REDIS_USER_LOST_EXIT_CODE = 75; // EX_TEMPFAIL

const USER_REFUSED = /^(WRONGPASS|NOAUTH)/;

/**
 * A worker logs in as its session's own Redis ACL user. When Redis refuses that user (a Redis
 * restarted without an ACL file forgot it, or the session was deleted), reconnecting can never
 * succeed: the worker exits at once instead of waiting to be found hung, so the scheduler
 * restarts it within its backoff with a re-created user. A running job keeps its BullMQ lock in
 * Redis and is picked up by the next worker's stalled-job check.
 */
export function exitWhenRedisUserIsLost(
  connections: Redis[],
  logger: Logger,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  let exiting = false;
  for (const connection of connections) {
    connection.on("error", (error: Error) => {
      if (exiting || !USER_REFUSED.test(error.message)) return;
      exiting = true;
      logger.error({ err: error }, "Redis refused the worker's user; exiting so the scheduler restarts it");
      exit(REDIS_USER_LOST_EXIT_CODE);
    });
  }
}
