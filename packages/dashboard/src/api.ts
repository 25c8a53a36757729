import { AssayClient } from "@assay/client";

/**
 * The api the dashboard talks to: `?api=<url>` (development, tests) or the origin that served it
 * (the api serves the dashboard at /). `?key=` sets an api key for this tab.
 */
export function createClient(location: Location): AssayClient {
  const params = new URLSearchParams(location.search);
  const apiKey = params.get("key") ?? sessionStorage.getItem("assay.apiKey") ?? undefined;
  if (apiKey) sessionStorage.setItem("assay.apiKey", apiKey);
  return new AssayClient({
    baseUrl: params.get("api") ?? location.origin,
    reconnectDelayMs: 500,
    ...(apiKey ? { apiKey } : {}),
  });
}
