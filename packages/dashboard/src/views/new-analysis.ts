import type { AssayClient } from "@assay/client";
import { formatBytes, h } from "../dom.js";
import { showError } from "../toast.js";

const ACCEPT = ".csv,.tsv,.tab,.json,.ndjson,.jsonl,.parquet";
const CONTENT_TYPES: Record<string, string> = {
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  tab: "text/tab-separated-values",
  json: "application/json",
  ndjson: "application/x-ndjson",
  jsonl: "application/x-ndjson",
  parquet: "application/vnd.apache.parquet",
};

const contentTypeOf = (file: File) => CONTENT_TYPES[file.name.split(".").pop()?.toLowerCase() ?? ""];

/** The upload + question form: drop a file (or pick one), ask, and go to the job's page. */
export function renderNewAnalysis(root: HTMLElement, client: AssayClient, sessionId?: string): void {
  let file: File | undefined;
  const fileInput = h("input", { type: "file", id: "dataset-file", name: "dataset", accept: ACCEPT });
  const chosen = h("p", { class: "chosen", "aria-live": "polite" }, "No file chosen yet.");
  const question = h("textarea", {
    id: "question",
    name: "question",
    rows: 3,
    required: true,
    maxlength: 4000,
    placeholder: "e.g. what drives the amount of precipitation?",
  });
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary" }, "Analyse");

  const choose = (picked: File | undefined) => {
    if (!picked) return;
    if (!contentTypeOf(picked)) {
      chosen.textContent = `${picked.name} is not a supported file; use CSV, TSV, JSON, NDJSON or Parquet.`;
      file = undefined;
      return;
    }
    file = picked;
    chosen.textContent = `${picked.name} (${formatBytes(picked.size)})`;
  };
  fileInput.addEventListener("change", () => choose(fileInput.files?.[0]));

  const dropZone = h(
    "div",
    { class: "drop-zone", "data-testid": "drop-zone" },
    h("p", {}, "Drop a data file here (CSV, TSV, JSON, NDJSON or Parquet), or pick one:"),
    h("label", { for: "dataset-file", class: "visually-hidden" }, "Data file"),
    fileInput,
    chosen,
  );
  dropZone.addEventListener("dragover", (event) => {
    event.preventDefault();
    dropZone.classList.add("dragging");
  });
  dropZone.addEventListener("dragleave", () => dropZone.classList.remove("dragging"));
  dropZone.addEventListener("drop", (event) => {
    event.preventDefault();
    dropZone.classList.remove("dragging");
    choose(event.dataTransfer?.files[0]);
  });

  const form = h(
    "form",
    { class: "card new-analysis", "aria-labelledby": "new-analysis-title" },
    h("h2", { id: "new-analysis-title" }, "New analysis"),
    sessionId ? h("p", { class: "muted" }, "In session ", h("code", {}, sessionId)) : null,
    dropZone,
    h("label", { for: "question" }, "Your question"),
    question,
    h("div", { class: "actions" }, submit),
    status,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!file) {
      status.textContent = "Choose a data file first.";
      fileInput.focus();
      return;
    }
    submit.disabled = true;
    start(client, file, question.value, sessionId, (text) => (status.textContent = text))
      .then((jobId) => {
        location.hash = `#/jobs/${jobId}`;
      })
      .catch((error) => {
        status.textContent = "";
        showError(error, "Starting the analysis");
      })
      .finally(() => (submit.disabled = false));
  });
  root.replaceChildren(form);
}

async function start(
  client: AssayClient,
  file: File,
  query: string,
  existingSession: string | undefined,
  say: (text: string) => void,
): Promise<string> {
  say(existingSession ? "Checking the session…" : "Starting a session…");
  const session = existingSession ? await client.getSession(existingSession) : await client.createSession();
  say("Waiting for a worker…");
  await client.waitForSession(session.id, { timeoutMs: 120_000, intervalMs: 250 });
  say(`Uploading ${file.name} (${formatBytes(file.size)})…`);
  const dataset = await client.uploadDataset(session.id, file, {
    name: file.name,
    contentType: contentTypeOf(file) ?? "application/octet-stream",
  });
  say(`Uploaded ${dataset.rows} rows; submitting your question…`);
  const accepted = await client.submitAnalysis(session.id, { datasetId: dataset.id, query });
  return accepted.jobId;
}
