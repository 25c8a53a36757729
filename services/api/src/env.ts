import path from "node:path";
import { fileURLToPath } from "node:url";
import { CommonEnv, envBoolean } from "@assay/runtime";
import { z } from "zod";

const GiB = 1024 ** 3;
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** The dashboard's build in this checkout (`pnpm build`); a deployment may point elsewhere. */
export const DEFAULT_DASHBOARD_DIR = path.join(REPO_ROOT, "packages/dashboard/dist");

/** Everything the api reads from its environment, parsed once in main.ts. */
export const ApiEnv = CommonEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  /** Largest dataset upload accepted. */
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(GiB),
  /** Largest JSON request body accepted. */
  MAX_JSON_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** BullMQ attempts per analysis job (1 = no retry). */
  JOB_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(2),
  /** How long finished BullMQ jobs are kept (our job records live on in the JobStore). */
  JOB_RETENTION_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 3600),
  /** A Redis command that takes longer fails the request with 503 instead of hanging. */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),
  SSE_HEARTBEAT_MS: z.coerce.number().int().positive().default(15_000),
  /** A client whose unsent SSE data grows past this is disconnected. */
  SSE_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Per-session BullMQ Queue objects kept open. */
  QUEUE_CACHE_SIZE: z.coerce.number().int().positive().default(256),
  SHUTDOWN_DEADLINE_MS: z.coerce.number().int().positive().default(15_000),

  /** Turns API keys off (every request acts as tenant "local"); refused unless HOST is a loopback address. */
  AUTH_DISABLED: envBoolean.default(false),
  /** Browser origins allowed to call the api (comma-separated, exact match); none by default. */
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((list) =>
      list
        .split(",")
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  /** Node's bound on the size of all request headers together. */
  MAX_HEADER_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(16 * 1024),
  /** Longest query string accepted. */
  MAX_QUERY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(4 * 1024),
  /** Widest delimited upload accepted (columns of the header line), checked before polars reads it. */
  MAX_COLUMNS: z.coerce.number().int().positive().default(2_000),
  /** Longest line of a CSV/TSV/NDJSON upload. */
  MAX_LINE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** An upload still receiving after this long is refused with 408. */
  UPLOAD_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 60_000),

  /** Default per-tenant limits; `assay keys limits --tenant t ...` overrides them per tenant. */
  TENANT_MAX_SESSIONS: z.coerce.number().int().min(0).default(20),
  TENANT_MAX_CONCURRENT_JOBS: z.coerce.number().int().min(0).default(20),
  TENANT_UPLOAD_BYTES_PER_DAY: z.coerce
    .number()
    .int()
    .min(0)
    .default(20 * GiB),
  TENANT_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(1_200),
  /** Static files served at `/` (the dashboard's build); when missing, `/` answers DASHBOARD_NOT_BUILT. */
  DASHBOARD_DIR: z.string().min(1).default(DEFAULT_DASHBOARD_DIR),
  /** Bearer token (or Basic password) for /metrics and /admin; unset means nobody, unless AUTH_DISABLED. */
  ADMIN_TOKEN: z.string().min(16).optional(),
  /** Live sessions (newest first) whose queues, statuses and events /metrics samples per refresh. */
  METRICS_SAMPLE_SESSIONS: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Scrapes within this long reuse the last sample instead of reading Redis again. */
  METRICS_CACHE_MS: z.coerce.number().int().min(0).default(5_000),
  /** Live sessions whose queues /admin/queues shows (newest first). */
  ADMIN_QUEUES_LIMIT: z.coerce.number().int().min(1).max(1_000).default(50),
});
export type ApiEnv = z.infer<typeof ApiEnv>;
