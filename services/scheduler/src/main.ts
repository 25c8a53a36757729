import {
  closeRedis,
  createLogger,
  createRedis,
  LocalStorage,
  maskUrl,
  ShutdownRegistry,
} from "@assay/runtime";
import { createRuntime } from "./create-runtime.js";
import { loadEnv } from "./env.js";
import { Scheduler } from "./scheduler.js";

const env = loadEnv();
const logger = createLogger("scheduler", env.LOG_LEVEL);
// Stopping workers on exit waits out their grace period; the deadline leaves room for it.
const shutdown = new ShutdownRegistry(logger, env.WORKER_STOP_GRACE_MS + 10_000);
shutdown.installSignalHandlers();

try {
  const redis = createRedis(env.REDIS_URL, `scheduler-${env.SCHEDULER_ID}`);
  redis.on("error", (error) => logger.warn({ err: error }, "redis error"));
  shutdown.add("redis", { close: () => closeRedis(redis) });
  const runtime = shutdown.add("runtime", await createRuntime(env, logger, redis));
  const scheduler = new Scheduler({ env, redis, runtime, storage: new LocalStorage(env.DATA_DIR), logger });
  shutdown.add("scheduler", scheduler);
  await scheduler.start();
  logger.info({ redis: maskUrl(env.REDIS_URL), dataDir: env.DATA_DIR }, "scheduler running");
} catch (error) {
  logger.fatal({ err: error }, "scheduler failed to start");
  await shutdown.close();
  process.exit(1);
}
