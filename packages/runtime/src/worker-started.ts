/**
 * The notice a worker publishes with its first heartbeat, so its scheduler marks the session ready
 * at once instead of finding the beat on its next loop. The channel carries the session's hash tag
 * like its keys; the message is the worker id. Kept free of imports: a worker sends it before
 * loading anything else.
 */
export function workerStartedChannel(prefix: string, sessionId: string): string {
  return `${prefix}:{${sessionId}}:worker-started`;
}

/** The pattern a scheduler subscribes to for every session's notice under `prefix`. */
export function workerStartedPattern(prefix: string): string {
  return workerStartedChannel(prefix, "*");
}

/** The session of a notice's channel, or undefined when the channel is not one. */
export function sessionOfWorkerStarted(prefix: string, channel: string): string | undefined {
  const head = `${prefix}:{`;
  const tail = "}:worker-started";
  if (!channel.startsWith(head) || !channel.endsWith(tail)) return undefined;
  return channel.slice(head.length, -tail.length) || undefined;
}
