import { AssayApiError, type AssayClient } from "@assay/client";
import type { SessionView } from "@assay/contracts";
import { formatTime, h } from "../dom.js";
import { showError } from "../toast.js";

/** Sessions of the key in use, each with its jobs; links open a job. */
export async function renderSidebar(root: HTMLElement, client: AssayClient): Promise<void> {
  const list = h("ul", { class: "sessions", "aria-busy": "true" });
  root.replaceChildren(
    h(
      "div",
      { class: "sidebar-head" },
      h("h2", {}, "Sessions"),
      h(
        "button",
        { type: "button", class: "link", onclick: () => void renderSidebar(root, client) },
        "Refresh",
      ),
    ),
    list,
  );
  try {
    const page = await client.listSessions({ limit: 20 });
    if (page.sessions.length === 0) list.append(h("li", { class: "muted" }, "No sessions yet."));
    for (const session of page.sessions) list.append(await sessionItem(client, session));
  } catch (error) {
    // 404/405: an api from before the list route; nothing a person can fix from here.
    const missing = error instanceof AssayApiError && (error.status === 404 || error.status === 405);
    list.append(
      h(
        "li",
        { class: "muted" },
        missing ? "This api cannot list sessions yet." : "Could not load sessions.",
      ),
    );
    if (!missing) showError(error, "Loading sessions");
  } finally {
    list.removeAttribute("aria-busy");
  }
}

async function sessionItem(client: AssayClient, session: SessionView): Promise<HTMLLIElement> {
  const jobs = h("ul", { class: "jobs" });
  const item = h(
    "li",
    { class: "session", "data-session-id": session.id },
    h(
      "div",
      { class: "session-line" },
      h(
        "a",
        { href: `#/sessions/${session.id}`, title: `New analysis in ${session.id}` },
        h("code", {}, session.id.slice(0, 14), "…"),
      ),
      h("span", { class: `badge status-${session.status}` }, session.status),
    ),
    h(
      "div",
      { class: "muted small" },
      formatTime(session.createdAt),
      " · ",
      `${session.datasets.length} dataset(s)`,
    ),
    jobs,
  );
  const page = await client.listJobs(session.id, { limit: 10 }).catch(() => undefined);
  for (const job of page?.jobs ?? []) {
    jobs.append(
      h(
        "li",
        {},
        h(
          "a",
          { href: `#/jobs/${job.id}`, "data-job-id": job.id },
          h("span", { class: `badge status-${job.status}` }, job.status),
          " ",
          job.query,
        ),
      ),
    );
  }
  return item;
}
