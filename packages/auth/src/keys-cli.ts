#!/usr/bin/env node
// `assay keys create|ls|revoke|limits`: key management against the deployment's Redis.
// Mounted by the CLI (`runKeysCli(args)`), or run alone: `node packages/auth/dist/keys-cli.js create --tenant acme`.
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { redisKeys } from "@assay/contracts";
import { CommonEnv, closeRedis, createRedis, parseEnv } from "@assay/runtime";
import { createKey, listKeys, revokeKey } from "./api-keys.js";
import { getTenantLimitOverrides, setTenantLimitOverrides, type TenantLimits } from "./tenant-limits.js";

export const KEYS_USAGE = `usage: assay keys <command>
  create --tenant <tenant> [--label <text>]   create a key; prints the token once
  ls [--tenant <tenant>] [--json]             list keys (never their secrets)
  revoke <keyId>                              revoke a key at once
  limits --tenant <tenant> [--sessions N] [--concurrent-jobs N] [--upload-bytes-per-day N]
         [--requests-per-minute N] [--reset]  show or override a tenant's limits
Reads REDIS_URL and KEY_PREFIX from the environment.`;

export interface KeysCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: KeysCliIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
};

const LIMIT_FLAGS = {
  sessions: "sessions",
  "concurrent-jobs": "concurrentJobs",
  "upload-bytes-per-day": "uploadBytesPerDay",
  "requests-per-minute": "requestsPerMinute",
} as const satisfies Record<string, keyof TenantLimits>;

/** Runs one `keys` command (args after `keys`); resolves with the process exit code. */
export async function runKeysCli(args: string[], io: KeysCliIo = defaultIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    io.err(`${(error as Error).message}\n${KEYS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    io.out(KEYS_USAGE);
    return command || values.help ? 0 : 2;
  }
  const env = parseEnv(CommonEnv, io.env);
  const keys = redisKeys(env.KEY_PREFIX);
  const redis = createRedis(env.REDIS_URL, "assay-keys-cli", { maxRetriesPerRequest: 1 });
  try {
    switch (command) {
      case "create": {
        if (!values.tenant) throw new UsageError("create needs --tenant");
        const { token, key } = await createKey(redis, keys, values.tenant, { label: values.label ?? "" });
        io.out(`Created key ${key.keyId} for tenant ${key.tenant}.`);
        io.out("Store this token now; it is not shown again:");
        io.out(token);
        return 0;
      }
      case "ls": {
        const list = await listKeys(redis, keys, values.tenant);
        if (values.json) io.out(JSON.stringify(list, null, 2));
        else if (list.length === 0) io.out("no keys");
        else
          for (const key of list)
            io.out(
              [
                key.keyId,
                key.tenant,
                key.revokedAt ? `revoked ${key.revokedAt}` : "active",
                key.createdAt,
                key.label,
              ]
                .join("  ")
                .trimEnd(),
            );
        return 0;
      }
      case "revoke": {
        const keyId = rest[0];
        if (!keyId) throw new UsageError("revoke needs a key id");
        const revoked = await revokeKey(redis, keys, keyId);
        if (!revoked) {
          io.err(`no key ${keyId}`);
          return 1;
        }
        io.out(`Revoked key ${revoked.keyId} (tenant ${revoked.tenant}) at ${revoked.revokedAt}.`);
        return 0;
      }
      case "limits": {
        if (!values.tenant) throw new UsageError("limits needs --tenant");
        const changes: Partial<Record<keyof TenantLimits, number | null>> = {};
        for (const [flag, field] of Object.entries(LIMIT_FLAGS)) {
          const value = values[flag as keyof typeof LIMIT_FLAGS];
          if (values.reset) changes[field] = null;
          else if (value !== undefined) changes[field] = Number(value);
        }
        const overrides =
          Object.keys(changes).length > 0
            ? await setTenantLimitOverrides(redis, keys, values.tenant, changes)
            : await getTenantLimitOverrides(redis, keys, values.tenant);
        io.out(JSON.stringify({ tenant: values.tenant, overrides }, null, 2));
        return 0;
      }
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    io.err(
      error instanceof UsageError ? `${error.message}\n${KEYS_USAGE}` : `error: ${(error as Error).message}`,
    );
    return error instanceof UsageError ? 2 : 1;
  } finally {
    await closeRedis(redis);
  }
}

class UsageError extends Error {}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      tenant: { type: "string" },
      label: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      reset: { type: "boolean" },
      sessions: { type: "string" },
      "concurrent-jobs": { type: "string" },
      "upload-bytes-per-day": { type: "string" },
      "requests-per-minute": { type: "string" },
    },
  });
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(realpathSync(invokedPath)).href) {
  process.exitCode = await runKeysCli(process.argv.slice(2));
}
