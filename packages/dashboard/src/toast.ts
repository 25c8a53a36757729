import { explainError } from "@assay/client";

/** Shows an error in words a person understands, in the page's alert region. */
export function showError(error: unknown, what?: string): void {
  const region = document.getElementById("toast");
  if (!region) return;
  region.textContent = what ? `${what}: ${explainError(error)}` : explainError(error);
  region.classList.add("visible");
  setTimeout(() => region.classList.remove("visible"), 10_000);
}
