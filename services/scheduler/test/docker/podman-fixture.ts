import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { LOCAL_REDIS_IMAGE, startRedisNetwork } from "@assay/devstack";
import Docker from "dockerode";
import { nanoid } from "nanoid";
import { dockerEndpoint } from "../../src/runtimes/docker-endpoint.js";
import { LABELS, MANAGED_BY } from "../../src/runtimes/runtime.js";

const run = promisify(execFile);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const WORKER_IMAGE = "localhost/assay-worker:latest";
/** Every container and network a test run creates carries this label, for the leak guard. */
export const TEST_RUN_LABEL = "io.assay.test-run";

export interface PodmanFixture {
  dockerHost: string;
  docker: Docker;
  runId: string;
  /** An internal network: containers on it reach the Redis container and nothing else. */
  network: string;
  /** Redis as workers see it (the Redis container's address on the internal network). */
  redisUrl: string;
  dataDir: string;
  /** Worker containers of this run still present (the leak guard). */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Real containers through podman's Docker API: runs the project's idempotent setup script (installs
 * and starts podman's API socket when needed), builds the images when missing, and creates an
 * internal network with a Redis container on it.
 */
export async function startPodman(): Promise<PodmanFixture> {
  const setup = await run("bash", [path.join(REPO, "scripts/containers/setup.sh")], { timeout: 600_000 });
  const dockerHost = /DOCKER_HOST=(\S+)/.exec(setup.stdout)?.[1];
  if (!dockerHost) throw new Error(`scripts/containers/setup.sh printed no DOCKER_HOST:\n${setup.stdout}`);
  const docker = new Docker(dockerEndpoint(dockerHost));
  const images = (await docker.listImages()).flatMap((image) => image.RepoTags ?? []);
  if (!images.includes(WORKER_IMAGE) || !images.includes(LOCAL_REDIS_IMAGE)) {
    await run("bash", [path.join(REPO, "scripts/containers/build-images.sh")], { timeout: 600_000 });
  }

  const runId = nanoid(10)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "x");
  const labels = { [TEST_RUN_LABEL]: runId };
  const { network, redisUrl, remove } = await startRedisNetwork(docker, {
    name: `assay-test-${runId}`,
    labels,
  });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "assay-docker-test-"));

  const leftovers = async () => {
    const filters = { label: [`${TEST_RUN_LABEL}=${runId}`, `${LABELS.managedBy}=${MANAGED_BY}`] };
    const containers = await docker.listContainers({ all: true, filters });
    return containers.map((container) => container.Names[0]?.replace(/^\//, "") ?? container.Id);
  };
  return {
    dockerHost,
    docker,
    runId,
    network,
    redisUrl,
    dataDir,
    leftovers,
    close: async () => {
      await remove();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs a command in a container; returns its exit code and output. */
export async function execIn(
  docker: Docker,
  containerId: string,
  cmd: string[],
): Promise<{ exitCode: number; output: string }> {
  const exec = await docker
    .getContainer(containerId)
    .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const sink = { write: (chunk: Buffer) => chunks.push(chunk) } as unknown as NodeJS.WritableStream;
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise((resolve) => stream.on("end", resolve));
  for (;;) {
    const info = await exec.inspect();
    if (!info.Running) return { exitCode: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString() };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A TCP connect from inside a container: prints "connected" or the error code. */
export const tcpProbe = (host: string, port: number) => [
  "node",
  "-e",
  `const s = require("net").connect({ host: "${host}", port: ${port}, timeout: 3000 });
   s.on("connect", () => { console.log("connected"); s.destroy(); });
   s.on("timeout", () => { console.log("timeout"); s.destroy(); process.exitCode = 1; });
   s.on("error", (e) => { console.log(e.code); process.exitCode = 1; });`,
];
