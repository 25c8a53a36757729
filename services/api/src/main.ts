import { createLogger, EnvError, maskUrl, parseEnv, ShutdownRegistry } from "@assay/runtime";
import { createApp } from "./app.js";
import { ApiEnv } from "./env.js";

function readEnv(): ApiEnv {
  try {
    return parseEnv(ApiEnv);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

const env = readEnv();
const logger = createLogger("api", env.LOG_LEVEL);
const shutdown = new ShutdownRegistry(logger, env.SHUTDOWN_DEADLINE_MS);
shutdown.installSignalHandlers();

// On SIGTERM: stop accepting, end SSE streams, finish in-flight requests, close queues and Redis.
const api = shutdown.add("api", createApp({ env, logger }));
const { url } = await api.listen();
logger.info({ url, redis: maskUrl(env.REDIS_URL), dataDir: env.DATA_DIR }, "api listening");
