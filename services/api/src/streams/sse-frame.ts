import type { StoredEvent } from "@assay/contracts";

/**
 * The SSE frame of an event, encoded once: a tail hands the same StoredEvent objects to every
 * client of its session, so a thousand clients cost one JSON.stringify and one UTF-8 encoding.
 * Weakly keyed: a frame lives as long as its event is referenced by some client's batch.
 */
const frames = new WeakMap<StoredEvent, Buffer>();

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
