import type { AssayEvent, JobView, SessionView, StoredEvent } from "@assay/contracts";

const time = (iso: string) => iso.slice(11, 19);

/** One line per event, for logs and --follow. */
export function formatEvent({ id, event }: StoredEvent): string {
  const head = `${time(event.at)} ${id.padEnd(16)} ${event.type.padEnd(22)}`;
  return `${head} ${describeEvent(event)}`.trimEnd();
}

export function describeEvent(event: AssayEvent): string {
  switch (event.type) {
    case "session:waiting":
      return `waiting for a worker (place ${event.position} in line)`;
    case "session:ready":
      return `worker ${event.worker.id} ready after ${event.startMs} ms`;
    case "session:worker-exited":
      return `worker exited: ${event.reason}${event.restartInMs !== null ? `; restarting in ${event.restartInMs} ms` : ""}`;
    case "session:stopping":
    case "session:stopped":
    case "session:failed":
      return event.reason;
    case "job:queued":
      return event.jobId;
    case "job:started":
      return `${event.jobId} attempt ${event.attempt}`;
    case "job:progress":
      return `${event.stage} ${event.pct.toFixed(0)}%${event.detail ? ` ${event.detail}` : ""}`;
    case "job:log":
      return `[${event.level}] ${event.message}`;
    case "job:artifact":
      return `${event.name} (${formatBytes(event.bytes)})`;
    case "job:succeeded":
      return `${event.result.rows} rows x ${event.result.columns} columns in ${(event.result.durationMs / 1000).toFixed(1)} s`;
    case "job:failed":
      return `${event.error.code}: ${event.error.message}${event.willRetry ? " (will retry)" : ""}`;
    default:
      return "";
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** A plain-text table with padded columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function formatSessionRow(session: SessionView): string[] {
  return [session.id, session.status, session.createdAt, String(session.datasets.length)];
}

export function formatJob(job: JobView): string {
  const lines = [
    `job       ${job.id}`,
    `session   ${job.sessionId}`,
    `status    ${job.status}`,
    `progress  ${job.progress.stage} ${job.progress.pct.toFixed(0)}%`,
    `question  ${job.query}`,
    `created   ${job.createdAt}`,
  ];
  if (job.finishedAt) lines.push(`finished  ${job.finishedAt}`);
  if (job.error) lines.push(`error     ${job.error.code}: ${job.error.message}`);
  if (job.result) lines.push(`findings  ${job.result.findings.join("\n          ")}`);
  return lines.join("\n");
}
