import "./zod-jitless.js";
import { createClient, installKeyForm } from "./api.js";
import { installDebugHooks } from "./job-follower.js";
import "./styles.css";
import { renderJobPage } from "./views/job-page.js";
import { renderNewAnalysis } from "./views/new-analysis.js";
import { renderSidebar } from "./views/sidebar.js";

const client = createClient(window.location);
installKeyForm(document.getElementById("key-form") as HTMLFormElement);
installDebugHooks(window.location);
const main = document.getElementById("main") as HTMLElement;
const sidebar = document.getElementById("sidebar") as HTMLElement;
let cleanup: (() => void) | undefined;

/** Hash routes: `#/` new analysis, `#/sessions/<id>` new analysis in that session, `#/jobs/<id>` a job. */
function route(): void {
  cleanup?.();
  cleanup = undefined;
  const [, kind, id] = window.location.hash.replace(/^#/, "").split("/");
  if (kind === "jobs" && id) cleanup = renderJobPage(main, client, id);
  else renderNewAnalysis(main, client, kind === "sessions" ? id : undefined);
  void renderSidebar(sidebar, client);
}

window.addEventListener("hashchange", route);
route();
