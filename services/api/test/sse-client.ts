/** One Server-Sent Event as a client sees it. */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/**
 * Reads an SSE response until the server ends it, `stopWhen` says enough, or `timeoutMs` passes;
 * returns the events in order. Comment lines (heartbeats) are skipped. Reusable by any test.
 */
export async function readSse(
  response: Response,
  options: { stopWhen?: (messages: SseMessage[]) => boolean; timeoutMs?: number } = {},
): Promise<{ messages: SseMessage[]; ended: boolean }> {
  const { stopWhen = () => false, timeoutMs = 10_000 } = options;
  const messages: SseMessage[] = [];
  if (!response.body) return { messages, ended: true };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  let buffer = "";
  let ended = false;
  try {
    while (!stopWhen(messages)) {
      const { value, done } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      buffer += value;
      let boundary = buffer.indexOf("\n\n");
      while (boundary >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const message = parseBlock(block);
        if (message) messages.push(message);
        boundary = buffer.indexOf("\n\n");
      }
    }
  } finally {
    clearTimeout(timer);
    if (!ended) await reader.cancel().catch(() => {});
  }
  return { messages, ended };
}

function parseBlock(block: string): SseMessage | undefined {
  const message: SseMessage = { event: "message", data: "" };
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") message.id = value;
    else if (field === "event") message.event = value;
    else if (field === "data") data.push(value);
  }
  if (data.length === 0 && message.id === undefined) return undefined;
  message.data = data.join("\n");
  return message;
}
