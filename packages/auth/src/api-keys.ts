import { createHash } from "node:crypto";
import type { RedisKeys } from "@assay/contracts";
import type { Redis } from "ioredis";
import { z } from "zod";
import { ApiKeyId, newApiKeyToken, parseApiKeyToken } from "./api-key-token.js";
import { hashSecret, verifySecret } from "./secret-hash.js";
import { TenantId } from "./tenant-id.js";

/** What anyone may see of a key: never its secret nor the secret's hash. */
export const ApiKeyView = z.object({
  keyId: ApiKeyId,
  tenant: TenantId,
  label: z.string(),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;

export interface CreatedApiKey {
  /** The whole token: shown once to whoever created it, never stored. */
  token: string;
  key: ApiKeyView;
}

export const ApiKeyLabel = z.string().max(200).default("");

/** Creates a key for a tenant; the returned token is the only copy of the secret. */
export async function createKey(
  redis: Redis,
  keys: RedisKeys,
  tenant: string,
  options: { label?: string } = {},
): Promise<CreatedApiKey> {
  const tenantId = TenantId.parse(tenant);
  const label = ApiKeyLabel.parse(options.label);
  const { keyId, secret, token } = newApiKeyToken();
  const key: ApiKeyView = {
    keyId,
    tenant: tenantId,
    label,
    createdAt: new Date().toISOString(),
    revokedAt: null,
  };
  const hash = await hashSecret(secret);
  await redis
    .multi()
    .hset(keys.apiKey(keyId), { keyId, tenant: tenantId, label, createdAt: key.createdAt, hash })
    .sadd(keys.tenantApiKeys(tenantId), keyId)
    .sadd(keys.apiKeys, keyId)
    .exec();
  return { token, key };
}

/** A tenant's keys (or every key), revoked ones included, oldest first. */
export async function listKeys(redis: Redis, keys: RedisKeys, tenant?: string): Promise<ApiKeyView[]> {
  const keyIds = await redis.smembers(
    tenant === undefined ? keys.apiKeys : keys.tenantApiKeys(TenantId.parse(tenant)),
  );
  const views = await Promise.all(keyIds.map((keyId) => readKey(redis, keys, keyId)));
  return views
    .filter((view): view is ApiKeyView => view !== undefined)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Marks a key revoked (kept for listing and audit); undefined when no such key. Idempotent. */
export async function revokeKey(
  redis: Redis,
  keys: RedisKeys,
  keyId: string,
): Promise<ApiKeyView | undefined> {
  if (!ApiKeyId.safeParse(keyId).success) return undefined;
  const existing = await readKey(redis, keys, keyId);
  if (!existing) return undefined;
  if (existing.revokedAt) return existing;
  const revokedAt = new Date().toISOString();
  await redis.hsetnx(keys.apiKey(keyId), "revokedAt", revokedAt);
  return readKey(redis, keys, keyId);
}

/** The key a token belongs to, when the token is well-formed, its secret matches and it is not revoked. */
export async function verifyKey(
  redis: Redis,
  keys: RedisKeys,
  token: string,
): Promise<ApiKeyView | undefined> {
  return new ApiKeyVerifier(redis, keys, 0).verify(token);
}

/**
 * Verifies tokens, remembering (by SHA-256, in memory) which tokens passed scrypt so that a client
 * making many requests pays the scrypt cost once. The record is read on every call, so a revoke
 * takes effect at the next request.
 */
export class ApiKeyVerifier {
  private readonly verified = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly cacheSize = 10_000,
  ) {}

  async verify(token: string): Promise<ApiKeyView | undefined> {
    const parsed = parseApiKeyToken(token);
    if (!parsed) return undefined;
    const record = await this.redis.hgetall(this.keys.apiKey(parsed.keyId));
    const view = toView(record);
    if (!view || view.revokedAt || !record.hash) return undefined;
    const fingerprint = createHash("sha256").update(`${record.hash}\n${token}`).digest("base64");
    if (this.verified.get(parsed.keyId) === fingerprint) return view;
    if (!(await verifySecret(parsed.secret, record.hash))) return undefined;
    this.remember(parsed.keyId, fingerprint);
    return view;
  }

  private remember(keyId: string, fingerprint: string): void {
    if (this.cacheSize <= 0) return;
    this.verified.delete(keyId);
    if (this.verified.size >= this.cacheSize) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(keyId, fingerprint);
  }
}

async function readKey(redis: Redis, keys: RedisKeys, keyId: string): Promise<ApiKeyView | undefined> {
  return toView(await redis.hgetall(keys.apiKey(keyId)));
}

function toView(hash: Record<string, string>): ApiKeyView | undefined {
  if (!hash.keyId) return undefined;
  const parsed = ApiKeyView.safeParse({
    keyId: hash.keyId,
    tenant: hash.tenant,
    label: hash.label ?? "",
    createdAt: hash.createdAt,
    revokedAt: hash.revokedAt ?? null,
  });
  return parsed.success ? parsed.data : undefined;
}
