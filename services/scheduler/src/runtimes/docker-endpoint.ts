import type Docker from "dockerode";

/**
 * dockerode connection options for a DOCKER_HOST value: `unix:///path/docker.sock`,
 * `tcp://host:port` (plain HTTP) or a bare socket path.
 */
export function dockerEndpoint(dockerHost: string): Docker.DockerOptions {
  if (dockerHost.startsWith("/")) return { socketPath: dockerHost };
  const url = new URL(dockerHost);
  if (url.protocol === "unix:") return { socketPath: url.pathname };
  if (url.protocol === "tcp:" || url.protocol === "http:") {
    return { protocol: "http", host: url.hostname, port: Number(url.port || 2375) };
  }
  throw new Error(
    `unsupported DOCKER_HOST ${JSON.stringify(dockerHost)}: use unix:///path or tcp://host:port`,
  );
}
