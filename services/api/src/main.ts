import { createLogger, EnvError, maskUrl, parseEnv, ShutdownRegistry } from "@assay/runtime";
import { createApp } from "./app.js";
import { InsecureAuthConfig } from "./auth/auth-config.js";
import { ApiEnv } from "./env.js";
import { AbandonedUploadSweeper } from "./uploads/abandoned-upload-sweeper.js";

function readEnv(): ApiEnv {
  try {
    return parseEnv(ApiEnv);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

function createAppOrExit() {
  try {
    return createApp({ env, logger });
  } catch (error) {
    if (!(error instanceof InsecureAuthConfig)) throw error;
    logger.fatal(error.message);
    process.exit(1);
  }
}

const env = readEnv();
const logger = createLogger("api", env.LOG_LEVEL);
const shutdown = new ShutdownRegistry(logger, env.SHUTDOWN_DEADLINE_MS);
shutdown.installSignalHandlers();

// On SIGTERM: stop accepting, end SSE streams, finish in-flight requests, close queues and Redis.
const api = shutdown.add("api", createAppOrExit());
shutdown.add(
  "upload sweeper",
  new AbandonedUploadSweeper(env.DATA_DIR, env.UPLOAD_TIMEOUT_MS, logger).start(),
);
const { url } = await api.listen();
logger.info({ url, redis: maskUrl(env.REDIS_URL), dataDir: env.DATA_DIR }, "api listening");
