import type { Redis } from "@assay/runtime";

/**
 * Holds the connection's socket writes until this turn of the event loop ends, so the commands
 * sent meanwhile (a submit's job record and its BullMQ add, other requests' commands) leave in one
 * syscall rather than one each. Order on the socket is unchanged: only the batching differs.
 * (ioredis's auto-pipelining would do this too, but copies every script BullMQ defined onto each
 * batch, which costs more than the writes it saves.)
 */
export function batchWritesThisTurn(redis: Redis): void {
  const socket = redis.stream;
  if (redis.status !== "ready" || !socket?.writable) return;
  socket.cork();
  setImmediate(() => socket.uncork());
}
