import { type Logger, pino } from "pino";

export type { Logger } from "pino";

/** Paths pino replaces with "[redacted]" wherever they appear in a log line. */
const REDACT_PATHS = [
  "password",
  "*.password",
  "apiKey",
  "*.apiKey",
  "authorization",
  "*.authorization",
  "req.headers.authorization",
  "headers.authorization",
  "redisUrl",
  "*.redisUrl",
  "env.REDIS_URL",
  "env.OPENAI_API_KEY",
];

/** One root logger per service; children carry sessionId/jobId. */
export function createLogger(service: string, level = "info"): Logger {
  return pino({
    name: service,
    level,
    base: { service, pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** A Redis URL with its password masked, for messages a person reads. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<invalid url>";
  }
}
