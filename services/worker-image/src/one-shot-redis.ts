import { connect, type Socket } from "node:net";

/**
 * Sends a few commands over one short-lived Redis connection and returns each one's error, or
 * undefined when it succeeded. For the worker's first heartbeat only: it goes out before ioredis
 * is loaded (its import is a large part of a worker's start). Handles what a worker's REDIS_URL
 * holds (user, password, database, rediss:) and only the replies those commands give (+, -, :);
 * anything else rejects, and the caller falls back to ioredis.
 */
export async function sendOnce(
  redisUrl: string,
  commands: string[][],
  timeoutMs = 2_000,
): Promise<(Error | undefined)[]> {
  const url = new URL(redisUrl);
  const login = loginCommands(url);
  const socket = await open(url);
  try {
    socket.write([...login, ...commands].map(encode).join(""));
    const replies = await readReplies(socket, login.length + commands.length, timeoutMs);
    const refused = replies.slice(0, login.length).find((reply) => reply !== undefined);
    if (refused) throw refused;
    return replies.slice(login.length);
  } finally {
    socket.destroy();
  }
}

/** AUTH and SELECT as the URL asks for them (ioredis reads the same parts). */
function loginCommands(url: URL): string[][] {
  const commands: string[][] = [];
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (password) commands.push(username ? ["AUTH", username, password] : ["AUTH", password]);
  const database = url.pathname.slice(1);
  if (database && database !== "0") commands.push(["SELECT", database]);
  return commands;
}

async function open(url: URL): Promise<Socket> {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1";
  const port = Number(url.port || 6379);
  const socket =
    url.protocol === "rediss:"
      ? (await import("node:tls")).connect({ host, port, servername: host })
      : connect({ host, port });
  socket.setNoDelay(true);
  return socket;
}

/** A command as a RESP array of bulk strings. */
function encode(command: string[]): string {
  return `*${command.length}\r\n${command.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join("")}`;
}

function readReplies(socket: Socket, count: number, timeoutMs: number): Promise<(Error | undefined)[]> {
  return new Promise((resolve, reject) => {
    const replies: (Error | undefined)[] = [];
    let buffered = "";
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`no reply from Redis within ${timeoutMs} ms`)), timeoutMs);
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("Redis closed the connection")));
    socket.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      for (let end = buffered.indexOf("\r\n"); end >= 0; end = buffered.indexOf("\r\n")) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (line.startsWith("-")) replies.push(new Error(line.slice(1)));
        else if (line.startsWith("+") || line.startsWith(":")) replies.push(undefined);
        else return fail(new Error(`unexpected Redis reply ${JSON.stringify(line.slice(0, 20))}`));
      }
      if (replies.length >= count) {
        clearTimeout(timer);
        resolve(replies);
      }
    });
  });
}
