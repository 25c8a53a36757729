import type { Command } from "commander";
import { type CliIo, contextOf, output } from "../context.js";
import { formatJob, table } from "../format.js";

export function registerJobs(program: Command, io: CliIo): void {
  const jobs = program.command("jobs").description("look at and cancel analysis jobs");

  jobs
    .command("ls")
    .description("list a session's jobs, newest first")
    .argument("<session>", "session id (ses_...)")
    .option("--limit <n>", "jobs per page (1-100)", Number, 20)
    .option("--cursor <cursor>", "the page after this cursor")
    .action(async (sessionId: string, options: { limit: number; cursor?: string }, command: Command) => {
      const ctx = contextOf(command, io);
      const page = await ctx.client.listJobs(sessionId, {
        limit: options.limit,
        ...(options.cursor ? { cursor: options.cursor } : {}),
      });
      output(ctx, page, () => {
        if (page.jobs.length === 0) return "no jobs";
        const rows = page.jobs.map((job) => [
          job.id,
          job.status,
          job.progress.stage,
          job.createdAt,
          job.query,
        ]);
        const text = table(["ID", "STATUS", "STAGE", "CREATED", "QUESTION"], rows);
        return page.nextCursor ? `${text}\nmore: --cursor ${page.nextCursor}` : text;
      });
    });

  jobs
    .command("status")
    .description("show a job's status, progress and outcome")
    .argument("<id>", "job id (job_...)")
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command, io);
      const job = await ctx.client.getJob(id);
      output(ctx, job, () => formatJob(job));
    });

  jobs
    .command("cancel")
    .description("cancel a queued or running job")
    .argument("<id>", "job id (job_...)")
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command, io);
      const job = await ctx.client.cancelJob(id);
      output(ctx, job, () =>
        job.status === "cancelled" ? `job ${id} cancelled` : `cancel requested; job ${id} is ${job.status}`,
      );
    });
}
