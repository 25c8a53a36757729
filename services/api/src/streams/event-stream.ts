import type { AssayEvent, StoredEvent } from "@assay/contracts";
import { compareStreamIds } from "@assay/runtime";
import type { Context } from "koa";
import type { Services } from "../services.js";
import { sseFramesOf } from "./sse-frame.js";
import { SseWriter } from "./sse-writer.js";

export interface EventStreamOptions {
  sessionId: string;
  /** Stream id after which to start ("0" for the start of the retained stream). */
  afterId: string;
  /** Which of the session's events this client gets. */
  include?: (event: AssayEvent) => boolean;
  /** An event after which the stream ends (e.g. a job's final event). */
  endsAfter?: (event: AssayEvent) => boolean;
  /** Checked once replay is done: true ends the stream (the thing it follows already finished). */
  alreadyFinished?: () => Promise<boolean>;
  /** false: end the stream once the replay is done (`?follow=false`), for an exact end without waiting. */
  follow?: boolean;
}

const REPLAY_PAGE = 500;
/** Live events held while replaying; past this the replay runs another XRANGE pass instead. */
const MAX_HELD_EVENTS = 1_000;

/**
 * Serves one SSE client: subscribes to the session's tail first, then replays the stream after
 * `afterId` (from the tail's memory when it holds them all, else with XRANGE), then forwards live events. Live events that arrive during replay are
 * held and de-duplicated by stream id, so the client sees every event once, in order.
 * Returns once the stream is open; the response lives on until it ends or the client leaves.
 */
export async function openEventStream(ctx: Context, services: Services, options: EventStreamOptions) {
  const { sessionId, include = () => true, endsAfter = () => false } = options;
  const sse = new SseWriter(ctx.res, {
    heartbeatMs: services.env.SSE_HEARTBEAT_MS,
    maxBufferedBytes: services.env.SSE_MAX_BUFFERED_BYTES,
  });
  let lastSeenId = options.afterId;
  let replaying = true;
  let held: StoredEvent[] = [];
  let heldOverflowed = false;

  // A batch goes out as one write. Events come in stream order, so once one is newer than the last
  // seen all after it are: one id comparison per batch, not per event and client. A client that
  // takes the whole batch shares its encoded chunk with the session's other clients; an unfiltered
  // stream (a whole session's) takes it without looking at each event.
  const filtered = options.include !== undefined || options.endsAfter !== undefined;
  const forward = (events: StoredEvent[]) => {
    if (!sse.isOpen || events.length === 0) return;
    let first = 0;
    while (first < events.length && compareStreamIds(events[first]!.id, lastSeenId) <= 0) first++;
    if (first === events.length) return;
    if (!filtered) {
      lastSeenId = events.at(-1)!.id;
      sse.send(sseFramesOf(first === 0 ? events : events.slice(first)));
      return;
    }
    const picked: StoredEvent[] = [];
    let ended = false;
    for (let index = first; index < events.length; index++) {
      const stored = events[index]!;
      lastSeenId = stored.id;
      if (!include(stored.event)) continue;
      picked.push(stored);
      if (endsAfter(stored.event)) {
        ended = true;
        break;
      }
    }
    if (picked.length > 0) sse.send(sseFramesOf(picked.length === events.length ? events : picked));
    if (ended) sse.end();
  };

  // Subscribing before the headers go out: if Redis is down the client gets a 503 JSON answer.
  const unsubscribe = await services.hub.subscribe(sessionId, {
    deliver(events) {
      if (!replaying) return forward(events);
      held.push(...events);
      if (held.length > MAX_HELD_EVENTS) {
        held = [];
        heldOverflowed = true;
      }
    },
    shutdown: () => sse.fail("server shutting down"),
  });
  ctx.respond = false;
  ctx.res.once("close", unsubscribe);
  sse.open({ "X-Request-Id": String(ctx.state.requestId ?? "") });

  // The tail's memory ends at what the tail has read: enough for a live client (later events reach
  // it through the tail), not for an end that must include everything already in the stream.
  const replay = async ({ fromTailMemory }: { fromTailMemory: boolean }) => {
    const recent = fromTailMemory ? services.hub.recentEventsAfter(sessionId, lastSeenId) : undefined;
    if (recent) return forward(recent);
    let page: StoredEvent[];
    do {
      heldOverflowed = false;
      do {
        page = await services.events.after(sessionId, lastSeenId, REPLAY_PAGE);
        forward(page);
      } while (page.length === REPLAY_PAGE && sse.isOpen);
    } while (heldOverflowed && sse.isOpen);
  };

  const log = ctx.state.logger ?? services.logger;
  void (async () => {
    try {
      await replay({ fromTailMemory: options.follow !== false });
      replaying = false;
      forward(held);
      held = [];
      if (options.follow === false) sse.end();
      if (sse.isOpen && options.alreadyFinished && (await options.alreadyFinished())) {
        // The final event is in the stream by now (written with the final status): send it, then end.
        await replay({ fromTailMemory: false });
        sse.end();
      }
    } catch (error) {
      log.warn({ err: (error as Error).message }, "event replay failed");
      sse.fail("event store unavailable");
    }
  })().finally(() => {
    if (!sse.isOpen) unsubscribe();
  });
}
