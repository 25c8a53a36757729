import { AssayClient } from "@assay/client";

/**
 * The api the dashboard talks to: `?api=<url>` (development, tests) or the origin that served it
 * (the api serves the dashboard at /). `?key=` sets an api key for this tab.
 */
const KEY_ITEM = "assay.apiKey";

export function createClient(location: Location): AssayClient {
  const params = new URLSearchParams(location.search);
  const apiKey = params.get("key") ?? sessionStorage.getItem(KEY_ITEM) ?? undefined;
  if (apiKey) sessionStorage.setItem(KEY_ITEM, apiKey);
  if (params.has("key")) {
    // Out of the address bar (and so out of history and screenshots) once stored.
    params.delete("key");
    const query = params.size > 0 ? `?${params}` : "";
    history.replaceState(null, "", `${location.pathname}${query}${location.hash}`);
  }
  return new AssayClient({
    baseUrl: params.get("api") ?? location.origin,
    reconnectDelayMs: 500,
    ...(apiKey ? { apiKey } : {}),
  });
}

/**
 * The header's key field: a key saved there lives in this tab's sessionStorage only; an empty
 * field forgets it. The page reloads so every view uses the new key.
 */
export function installKeyForm(form: HTMLFormElement): void {
  const input = form.elements.namedItem("key") as HTMLInputElement;
  input.placeholder = sessionStorage.getItem(KEY_ITEM) ? "saved for this tab" : "ak_…";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key) sessionStorage.setItem(KEY_ITEM, key);
    else sessionStorage.removeItem(KEY_ITEM);
    window.location.reload();
  });
}
