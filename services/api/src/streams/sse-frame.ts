import type { StoredEvent } from "@assay/contracts";

/**
 * SSE frames, encoded once: a tail hands the same StoredEvent objects, in the same batch array, to
 * every client of its session, so a thousand clients cost one JSON.stringify and one UTF-8 encoding
 * per event and one concatenation per batch. Weakly keyed: a frame lives as long as its event or batch.
 */
const frames = new WeakMap<StoredEvent, Buffer>();
const batches = new WeakMap<readonly StoredEvent[], Buffer>();

/** `id`/`event`/`data` lines; JSON.stringify escapes newlines, so `data` is always a single line. */
export function sseFrameOf(stored: StoredEvent): Buffer {
  let frame = frames.get(stored);
  if (!frame) {
    frame = Buffer.from(
      `id: ${stored.id}\nevent: ${stored.event.type}\ndata: ${JSON.stringify(stored.event)}\n\n`,
    );
    frames.set(stored, frame);
  }
  return frame;
}

/** The frames of some events, in order, as one chunk (the same Buffer for the same array). */
export function sseFramesOf(events: readonly StoredEvent[]): Buffer {
  if (events.length === 1) return sseFrameOf(events[0]!);
  let chunk = batches.get(events);
  if (!chunk) {
    chunk = Buffer.concat(events.map(sseFrameOf));
    batches.set(events, chunk);
  }
  return chunk;
}
