import { z } from "zod";
import { ErrorInfo } from "./errors.js";
import { ArtifactName, JobId, SessionId } from "./ids.js";
import { JobResult, JobStage } from "./jobs.js";
import { WorkerRef } from "./sessions.js";

const base = { v: z.literal(1), sessionId: SessionId, at: z.iso.datetime() };
const jobBase = { ...base, jobId: JobId };

/**
 * Everything that happens to a session and its jobs, appended to the session's Redis Stream
 * (`keys.sessionEvents`). Types are `entity:verb`; `v` versions the shape.
 */
export const AssayEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("session:created"), ...base }),
  z.object({ type: z.literal("session:waiting"), ...base, position: z.number().int().positive() }),
  z.object({
    type: z.literal("session:ready"),
    ...base,
    worker: WorkerRef,
    startMs: z.number().nonnegative(),
  }),
  z.object({
    type: z.literal("session:worker-exited"),
    ...base,
    worker: WorkerRef,
    reason: z.string(),
    exitCode: z.number().int().nullable(),
    restartInMs: z.number().int().nonnegative().nullable(),
  }),
  z.object({ type: z.literal("session:stopping"), ...base, reason: z.string() }),
  z.object({ type: z.literal("session:stopped"), ...base, reason: z.string() }),
  z.object({ type: z.literal("session:failed"), ...base, reason: z.string() }),
  z.object({ type: z.literal("job:queued"), ...jobBase }),
  z.object({ type: z.literal("job:started"), ...jobBase, attempt: z.number().int().positive() }),
  z.object({
    type: z.literal("job:progress"),
    ...jobBase,
    stage: JobStage,
    pct: z.number().min(0).max(100),
    detail: z.string().optional(),
  }),
  z.object({
    type: z.literal("job:log"),
    ...jobBase,
    level: z.enum(["debug", "info", "warn", "error"]),
    message: z.string(),
  }),
  z.object({
    type: z.literal("job:artifact"),
    ...jobBase,
    name: ArtifactName,
    contentType: z.string(),
    bytes: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal("job:succeeded"), ...jobBase, result: JobResult }),
  z.object({ type: z.literal("job:failed"), ...jobBase, error: ErrorInfo, willRetry: z.boolean() }),
  z.object({ type: z.literal("job:cancelled"), ...jobBase }),
]);
export type AssayEvent = z.infer<typeof AssayEvent>;
export type AssayEventType = AssayEvent["type"];

/** Event shapes without the envelope fields a publisher fills in. */
export type AssayEventInput = AssayEvent extends infer E
  ? E extends AssayEvent
    ? Omit<E, "v" | "at">
    : never
  : never;

/** True for the event after which nothing more happens to its job (its SSE stream ends). */
export function isFinalJobEvent(event: AssayEvent): boolean {
  return (
    event.type === "job:succeeded" ||
    event.type === "job:cancelled" ||
    (event.type === "job:failed" && !event.willRetry)
  );
}

/** An event as read back from the stream, with its stream id. */
export const StoredEvent = z.object({ id: z.string(), event: AssayEvent });
export type StoredEvent = z.infer<typeof StoredEvent>;
