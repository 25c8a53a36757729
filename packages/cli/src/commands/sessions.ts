import type { Command } from "commander";
import { type CliIo, contextOf, output } from "../context.js";
import { formatSessionRow, table } from "../format.js";

export function registerSessions(program: Command, io: CliIo): void {
  const sessions = program.command("sessions").description("list and delete sessions");

  sessions
    .command("ls")
    .description("list the live sessions of the key in use, newest first")
    .option("--limit <n>", "sessions per page (1-100)", Number, 20)
    .option("--cursor <cursor>", "the page after this cursor (printed after a full page)")
    .action(async (options: { limit: number; cursor?: string }, command: Command) => {
      const ctx = contextOf(command, io);
      const page = await ctx.client.listSessions({
        limit: options.limit,
        ...(options.cursor ? { cursor: options.cursor } : {}),
      });
      output(ctx, page, () => {
        if (page.sessions.length === 0) return "no sessions";
        const rows = table(["ID", "STATUS", "CREATED", "DATASETS"], page.sessions.map(formatSessionRow));
        return page.nextCursor ? `${rows}\nmore: --cursor ${page.nextCursor}` : rows;
      });
    });

  sessions
    .command("rm")
    .description("stop a session and delete its data")
    .argument("<id>", "session id (ses_...)")
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command, io);
      await ctx.client.deleteSession(id);
      output(ctx, { id, deleted: true }, () => `session ${id} is being deleted`);
    });
}
