import { z } from "zod";
import { JobView } from "./jobs.js";
import { SessionView } from "./sessions.js";

/** Query of the list routes: `?limit=` (1..100, default 20) and the `nextCursor` of the previous page. */
export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});
export type ListQuery = z.infer<typeof ListQuery>;

/** GET /v1/sessions: live sessions of the key in use, newest first. `nextCursor` is null on the last page. */
export const SessionList = z.object({ sessions: z.array(SessionView), nextCursor: z.string().nullable() });
export type SessionList = z.infer<typeof SessionList>;

/** GET /v1/sessions/:id/jobs: the session's jobs, newest first. */
export const JobList = z.object({ jobs: z.array(JobView), nextCursor: z.string().nullable() });
export type JobList = z.infer<typeof JobList>;
