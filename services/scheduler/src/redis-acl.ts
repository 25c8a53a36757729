import { randomBytes } from "node:crypto";
import { AppError, type RedisKeys, SessionId } from "@assay/contracts";
import type { Redis } from "@assay/runtime";
import { workerStartedChannel } from "@assay/runtime/worker-started";

/**
 * Every command a worker's Redis user may run; keys are limited separately by
 * `keys.workerKeyPatterns`. Commands run inside Lua scripts are checked against the same list.
 */
export const WORKER_COMMANDS = [
  // Connection: ioredis' ready check and BullMQ's version check read INFO (it tells server facts,
  // never data); both name their connections; SELECT only when REDIS_URL names a database.
  "info",
  "client|setname",
  "select",
  "ping",
  // BullMQ: its Lua scripts (EVALSHA, EVAL after a NOSCRIPT) and the worker's blocking wait.
  "evalsha",
  "eval",
  "bzpopmin",
  "multi",
  "exec",
  // What BullMQ's scripts call (every literal redis.call in bullmq/dist/esm/commands, checked by a test)
  // and the worker's own reads and writes of its job records, events, heartbeat, cancel flags, datasets.
  ...["del", "exists", "get", "set", "type", "unlink", "rename", "persist", "time", "incr", "incrby"],
  ...["pexpire", "pexpireat", "pttl"],
  ...["hdel", "hexists", "hget", "hgetall", "hincrby", "hlen", "hmget", "hmset", "hset"],
  ...["lindex", "llen", "lpop", "lpos", "lpush", "lrange", "lrem", "lset", "ltrim"],
  ...["rpop", "rpoplpush", "rpush"],
  ...["sadd", "scard", "sismember", "smembers", "srem"],
  ...["xadd", "xdel", "xlen", "xrange", "xread", "xtrim"],
  ...["zadd", "zcard", "zcount", "zlexcount", "zpopmin", "zrange", "zrangebylex", "zrangebyscore"],
  ...["zrem", "zremrangebyrank", "zremrangebyscore", "zrevrange", "zrevrangebyscore", "zscore"],
  // The worker-started notice, on the session's own channel only (`workerChannels`).
  "publish",
] as const;

/** A pooled worker's commands before it has a session: wait for its assignment, nothing else. */
const POOL_SLOT_COMMANDS = ["blpop", "ping", "info", "client|setname", "select"] as const;

/** What a worker connects to Redis with; the password lives only in the worker's environment. */
export interface RedisCredentials {
  username: string;
  password: string;
}

/** The scheduler's Redis user may not manage ACL users (managed Redis, a restricted user). */
export class WorkerAclUnavailable extends AppError {
  constructor(cause: unknown) {
    super(
      "INTERNAL",
      `the scheduler's Redis user cannot manage ACL users (${(cause as Error)?.message ?? cause}); ` +
        "grant it +acl (acl|setuser, acl|deluser, acl|users) or set WORKER_REDIS_ACL=false to give workers the scheduler's own Redis credentials",
      { cause },
    );
  }
}

/**
 * One Redis ACL user per session (`<prefix>-worker-<sessionId>`), allowed the session's worker keys
 * and WORKER_COMMANDS only: no other session, no global key, no admin command, and of pub/sub only
 * publishing the session's own worker-started notice.
 */
export class WorkerCredentials {
  private readonly namePrefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.namePrefix = `${keys.prefix}-worker-`;
  }

  username(sessionId: string): string {
    return `${this.namePrefix}${sessionId}`;
  }

  /** Creates the session's user, or resets an existing one with a fresh password (a worker restart). */
  async create(sessionId: string): Promise<RedisCredentials> {
    const username = this.username(sessionId);
    const password = randomBytes(32).toString("base64url");
    await this.acl(
      "SETUSER",
      username,
      "reset", // drops earlier passwords, keys, channels and commands
      "on",
      `>${password}`,
      ...this.keys.workerKeyPatterns(sessionId),
      ...this.workerChannels(sessionId),
      "-@all",
      ...WORKER_COMMANDS.map((command) => `+${command}`),
    );
    return { username, password };
  }

  /** Deletes the session's user; Redis disconnects whoever is still logged in as it. Idempotent. */
  async delete(sessionId: string): Promise<void> {
    await this.acl("DELUSER", this.username(sessionId));
  }

  poolSlotUsername(slot: string): string {
    return `${this.namePrefix}pool-${slot}`;
  }

  /**
   * A warm-pool slot's user (`<prefix>-worker-pool-<slot>`): until `grantSession` it may only BLPOP
   * its own assignment key, so a pre-started container holds no access to any session.
   */
  async createPoolSlot(slot: string): Promise<RedisCredentials> {
    const username = this.poolSlotUsername(slot);
    const password = randomBytes(32).toString("base64url");
    await this.acl(
      "SETUSER",
      username,
      "reset",
      "on",
      `>${password}`,
      `~${this.keys.poolAssignment(slot)}`,
      "resetchannels",
      "-@all",
      ...POOL_SLOT_COMMANDS.map((command) => `+${command}`),
    );
    return { username, password };
  }

  /**
   * Turns a slot's user into the session's worker user (its key patterns and WORKER_COMMANDS).
   * Redis applies ACL changes to connections already logged in, so the pooled container keeps its
   * password; call it before pushing the assignment. The pool key and BLPOP stay allowed: the
   * container's BLPOP, blocked on that key, is checked again when the assignment arrives.
   */
  async grantSession(slot: string, sessionId: string): Promise<void> {
    await this.acl(
      "SETUSER",
      this.poolSlotUsername(slot),
      "resetkeys",
      `~${this.keys.poolAssignment(slot)}`,
      ...this.keys.workerKeyPatterns(sessionId),
      ...this.workerChannels(sessionId),
      "-@all",
      "+blpop",
      ...WORKER_COMMANDS.map((command) => `+${command}`),
    );
  }

  /** Deletes a slot's user and cuts its connections. Idempotent. */
  async deletePoolSlot(slot: string): Promise<void> {
    await this.acl("DELUSER", this.poolSlotUsername(slot));
  }

  /** Slots that have a user under this key prefix. */
  async poolSlots(): Promise<string[]> {
    const prefix = this.poolSlotUsername("");
    const users = (await this.acl("USERS")) as string[];
    return users.filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length));
  }

  /**
   * Sessions that have a worker user under this key prefix. The rest must be a valid session id, so
   * the users of a deployment whose prefix merely starts like ours (`assay-worker-x`) are not ours.
   */
  async sessions(): Promise<string[]> {
    const users = (await this.acl("USERS")) as string[];
    return users
      .filter((name) => name.startsWith(this.namePrefix))
      .map((name) => name.slice(this.namePrefix.length))
      .filter((sessionId) => SessionId.safeParse(sessionId).success);
  }

  /** The one channel a session's worker may publish to (ACL rules, earlier channels dropped). */
  private workerChannels(sessionId: string): string[] {
    return ["resetchannels", `&${workerStartedChannel(this.keys.prefix, sessionId)}`];
  }

  private async acl(...args: (string | number)[]): Promise<unknown> {
    try {
      return await this.redis.call("ACL", ...args);
    } catch (error) {
      if (/NOPERM|unknown command/i.test((error as Error).message)) throw new WorkerAclUnavailable(error);
      throw error;
    }
  }
}

/** The scheduler's REDIS_URL (host, port, TLS, database) with the worker's user instead of its own. */
export function workerRedisUrl(schedulerUrl: string, credentials: RedisCredentials): string {
  const url = new URL(schedulerUrl);
  url.username = encodeURIComponent(credentials.username);
  url.password = encodeURIComponent(credentials.password);
  url.search = ""; // ioredis reads options (a password among them) from the query: none are passed on
  url.hash = "";
  return url.toString();
}
