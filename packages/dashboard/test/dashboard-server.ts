import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

const API_PATHS = /^\/(v1\/|healthz|readyz)/;

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the built dashboard the way the api will (static files at /, index.html for unknown
 * paths) and passes api paths through to the stack, so the page talks to its own origin.
 */
export async function serveDashboard(distDir: string, apiUrl: string): Promise<DashboardServer> {
  const api = new URL(apiUrl);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://local");
    if (API_PATHS.test(url.pathname)) {
      const upstream = http.request(
        { host: api.hostname, port: api.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      res.on("close", () => upstream.destroy());
      req.pipe(upstream);
      return;
    }
    const wanted = path.join(distDir, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ""));
    const file = (await stat(wanted).catch(() => undefined))?.isFile()
      ? wanted
      : path.join(distDir, "index.html");
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
