import type { AssayClient } from "@assay/client";
import { type AssayEvent, JobStage, type JobView, type StoredEvent } from "@assay/contracts";
import { formatBytes, h } from "../dom.js";
import { JobFollower } from "../job-follower.js";
import { showError } from "../toast.js";
import { renderReport } from "./report.js";

const STAGES = JobStage.options.filter((stage) => stage !== "queued");
const LOG_TAIL = 500;

/** A job's page: stage progress and log tail live over SSE, then its report. Returns a cleanup. */
export function renderJobPage(root: HTMLElement, client: AssayClient, jobId: string): () => void {
  const title = h("h2", {}, "Analysis");
  const statusBadge = h("span", { class: "badge", "data-testid": "job-status" }, "loading");
  const overall = h("progress", { max: 100, value: 0, "aria-label": "Overall progress" });
  const stageItems = new Map(
    STAGES.map((stage) => [
      stage,
      h("li", { class: "stage", "data-stage": stage }, h("span", {}, stage), " "),
    ]),
  );
  const log = h("ol", {
    class: "log",
    role: "log",
    "aria-label": "Job events",
    "aria-live": "polite",
    tabindex: 0,
  });
  const cancel = h("button", { type: "button", hidden: true }, "Cancel analysis");
  const reportSlot = h("section", { class: "report-slot", "aria-label": "Report" });

  root.replaceChildren(
    h(
      "section",
      { class: "card job", "data-job-id": jobId },
      h("div", { class: "job-head" }, title, statusBadge, cancel),
      h("p", { class: "muted small" }, h("code", {}, jobId)),
      overall,
      h("ol", { class: "stages", "aria-label": "Stages" }, [...stageItems.values()]),
      h("h3", {}, "Log"),
      log,
    ),
    reportSlot,
  );

  const showJob = (job: JobView) => {
    title.textContent = job.query;
    statusBadge.textContent = job.status;
    statusBadge.className = `badge status-${job.status}`;
    cancel.hidden = job.status !== "queued" && job.status !== "running";
  };
  const showProgress = (stage: JobStage, pct: number) => {
    overall.value = pct;
    const reached = STAGES.indexOf(stage as (typeof STAGES)[number]);
    STAGES.forEach((name, index) => {
      const item = stageItems.get(name);
      item?.classList.toggle("done", index < reached || stage === "done");
      item?.classList.toggle("current", index === reached && stage !== "done");
    });
  };

  cancel.addEventListener("click", () => {
    client.cancelJob(jobId).then(showJob, (error) => showError(error, "Cancelling"));
  });

  const onEvent = ({ id, event }: StoredEvent) => {
    log.append(
      h("li", { "data-event-id": id, class: `event ${event.type.replace(":", "-")}` }, eventLine(event)),
    );
    while (log.childElementCount > LOG_TAIL) log.firstElementChild?.remove();
    log.scrollTop = log.scrollHeight;
    if (event.type === "job:progress") showProgress(event.stage, event.pct);
    if (event.type === "job:started") statusBadge.textContent = "running";
  };
  const follower = new JobFollower(client, jobId, onEvent, (error) => showError(error, "Following the job"));

  void (async () => {
    try {
      showJob(await client.getJob(jobId));
      await follower.run();
      const job = await client.getJob(jobId);
      showJob(job);
      if (job.status === "succeeded") {
        showProgress("done", 100);
        await renderReport(reportSlot, await client.report(jobId, "json"));
      } else if (job.error) {
        reportSlot.replaceChildren(h("div", { class: "card error", role: "alert" }, describeFailure(job)));
      }
    } catch (error) {
      showError(error, "Loading the job");
    }
  })();
  return () => follower.close();
}

function describeFailure(job: JobView): string {
  return `This analysis ${job.status}: ${job.error?.message ?? "no reason was given"}.`;
}

function eventLine(event: AssayEvent): string {
  const time = new Date(event.at).toLocaleTimeString();
  switch (event.type) {
    case "job:progress":
      return `${time}  ${event.stage} ${event.pct.toFixed(0)}%${event.detail ? ` — ${event.detail}` : ""}`;
    case "job:log":
      return `${time}  ${event.level}: ${event.message}`;
    case "job:artifact":
      return `${time}  wrote ${event.name} (${formatBytes(event.bytes)})`;
    case "job:started":
      return `${time}  started (attempt ${event.attempt})`;
    case "job:failed":
      return `${time}  failed: ${event.error.message}${event.willRetry ? " (will retry)" : ""}`;
    case "job:succeeded":
      return `${time}  finished: ${event.result.rows} rows, ${event.result.columns} columns`;
    default:
      return `${time}  ${event.type.replace("job:", "")}`;
  }
}
