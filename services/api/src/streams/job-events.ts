import { isFinalJobEvent } from "@assay/contracts";
import type { Context } from "koa";
import { getJob, isFinalStatus } from "../operations/jobs.js";
import type { Services } from "../services.js";
import { openEventStream } from "./event-stream.js";
import { followQuery } from "./follow-query.js";
import { lastEventId } from "./last-event-id.js";

/** A job's events: its session's stream filtered by jobId, ending after the job's final event. */
export async function openJobEventStream(
  ctx: Context,
  services: Services,
  tenant: string,
  jobId: string,
): Promise<void> {
  const afterId = lastEventId(ctx);
  const follow = followQuery(ctx);
  const job = await getJob(services, tenant, jobId);
  await openEventStream(ctx, services, {
    sessionId: job.sessionId,
    afterId,
    follow,
    include: (event) => "jobId" in event && event.jobId === jobId,
    endsAfter: isFinalJobEvent,
    alreadyFinished: async () => isFinalStatus(await getJob(services, tenant, jobId)),
  });
}
