// `docker compose up` runs the whole stack: compose.yaml (+ compose.test.yaml's stand-in for redis:7)
// through docker-compose 1.29 over podman's Docker API, real containers and a real worker container
// per session; the demo analysis goes through the published api port with an API key made by the
// keys CLI inside the api container; `down -v` must leave nothing of the project behind.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { access, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { AssayClient } from "@assay/client";
import type { StoredEvent } from "@assay/contracts";
import { nanoid } from "nanoid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../src/index.js";
import { readVegaDataset } from "./datasets.js";

const run = promisify(execFile);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const PODMAN_DIR = process.env.ASSAY_PODMAN_DIR ?? "/tmp/assay-podman";
/** The images scripts/containers/build-images.sh makes; compose's `--build` reuses their layers. */
const LOCAL_IMAGES = ["node-base", "redis", "api", "scheduler", "worker"].map(
  (name) => `localhost/assay-${name}:latest`,
);
const BUILD_FOLDERS = ["api", "scheduler", "worker"].map((name) => path.join(REPO, ".build", name));

const runId = nanoid(8)
  .toLowerCase()
  .replace(/[^a-z0-9]/g, "x");
const project = `assay-test-${runId}`;

/** The variables scripts/containers/setup.sh writes (podman's config files). */
async function podmanEnv(): Promise<Record<string, string>> {
  await run("bash", [path.join(REPO, "scripts/containers/setup.sh")], { timeout: 600_000 });
  const text = await readFile(path.join(PODMAN_DIR, "env.sh"), "utf8");
  return Object.fromEntries([...text.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe("docker compose up", () => {
  let dir: string;
  let dataDir: string;
  let socket: string;
  let engine: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let apiUrl: string;
  let client: AssayClient;
  let downDone = false;

  const compose = (...args: string[]) =>
    run(
      "docker-compose",
      [
        "--env-file",
        path.join(dir, "env"),
        "-f",
        "compose.yaml",
        "-f",
        "compose.test.yaml",
        "-p",
        project,
        ...args,
      ],
      { cwd: REPO, env, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 },
    );
  const podman = (...args: string[]) => run("podman", ["--url", `unix://${socket}`, ...args], { env });
  /** What the project (or its scheduler's workers) still holds in the engine. */
  const leftovers = async () => {
    const byProject = `label=com.docker.compose.project=${project}`;
    const lines = async (...args: string[]) =>
      (await podman(...args)).stdout.split("\n").filter((line) => line.trim() !== "");
    return {
      containers: await lines("ps", "-a", "--filter", byProject, "--format", "{{.Names}}"),
      workers: await lines(
        "ps",
        "-a",
        "--filter",
        `label=io.assay.scheduler-id=${project}`,
        "--format",
        "{{.Names}}",
      ),
      networks: await lines("network", "ls", "--filter", byProject, "--format", "{{.Name}}"),
      volumes: await lines("volume", "ls", "--filter", byProject, "--format", "{{.Name}}"),
    };
  };

  beforeAll(async () => {
    const podmanVars = await podmanEnv();
    const images = (
      await run("podman", ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"], {
        env: { ...process.env, ...podmanVars },
      })
    ).stdout.split("\n");
    const foldersThere = (await Promise.all(BUILD_FOLDERS.map(exists))).every(Boolean);
    if (!foldersThere || !LOCAL_IMAGES.every((image) => images.includes(image))) {
      await run("bash", [path.join(REPO, "scripts/containers/build-images.sh")], {
        timeout: 900_000,
        env: { ...process.env, ...podmanVars },
      });
    }

    dir = await mkdtemp(path.join(os.tmpdir(), "assay-compose-"));
    dataDir = path.join(dir, "data");
    await mkdir(dataDir);
    // An engine socket of our own, root:root 0660 like Docker's root:docker one: the scheduler runs
    // as uid 10001 with the socket's group added, exactly as compose.yaml sets it up for Docker.
    socket = path.join(dir, "engine.sock");
    engine = spawn("podman", ["system", "service", "--time=0", `unix://${socket}`], {
      env: { ...process.env, ...podmanVars },
      stdio: "ignore",
    });
    await until("the podman API socket", 30_000, async () => ((await exists(socket)) ? true : undefined));
    await chmod(socket, 0o660);
    env = { ...process.env, ...podmanVars, DOCKER_HOST: `unix://${socket}` };

    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    await writeFile(
      path.join(dir, "env"),
      [
        `REDIS_PASSWORD=${nanoid(32).replace(/[^A-Za-z0-9]/g, "x")}`,
        `ASSAY_DATA_DIR=${dataDir}`,
        `DOCKER_SOCKET=${socket}`,
        "DOCKER_SOCKET_GID=0",
        `API_PORT=${port}`,
        `WORKER_NETWORK=${project}-workers`,
        `SCHEDULER_ID=${project}`,
        `KEY_PREFIX=${project}`,
        "BASE_IMAGE=localhost/assay-node-base:latest",
      ].join("\n"),
    );
    await compose("up", "-d", "--build");
    await until("the api's /readyz", 180_000, async () =>
      (await fetch(`${apiUrl}/readyz`)).ok ? true : undefined,
    );

    const created = await compose(
      "exec",
      "-T",
      "api",
      "node",
      "node_modules/@assay/auth/dist/keys-cli.js",
      "create",
      "--tenant",
      "test",
    );
    const token = /ak_\S+/.exec(created.stdout)?.[0];
    if (!token) throw new Error(`the keys CLI printed no token:\n${created.stdout}${created.stderr}`);
    client = new AssayClient({ baseUrl: apiUrl, apiKey: token });
  }, 1_200_000);

  afterAll(async () => {
    if (dir && !downDone) await compose("down", "-v", "--timeout", "45").catch(() => {});
    engine?.kill("SIGTERM");
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it("refuses requests without an API key: auth stays on inside compose", async () => {
    const response = await fetch(`${apiUrl}/v1/sessions`, { method: "POST" });
    expect(response.status).toBe(401);
  });

  it("runs the demo analysis in a worker container and writes the report to the host data dir", async () => {
    const session = await client.createSession();
    const ready = await client.waitForSession(session.id, { timeoutMs: 120_000 });
    expect(ready.worker?.runtime).toBe("docker");

    const csv = await readVegaDataset("seattle-weather.csv");
    const dataset = await client.uploadDataset(session.id, csv, {
      name: "seattle-weather.csv",
      contentType: "text/csv",
    });
    expect(dataset).toMatchObject({ format: "csv", rows: 1461 });

    const accepted = await client.submitAnalysis(session.id, {
      datasetId: dataset.id,
      query: "How do temperature and precipitation differ by weather type?",
    });
    const events: StoredEvent[] = [];
    for await (const event of client.jobEvents(accepted.jobId)) events.push(event);
    expect(events.at(-1)?.event.type).toBe("job:succeeded");
    const job = await client.getJob(accepted.jobId);
    expect(job.status).toBe("succeeded");
    expect(job.result?.findings.length).toBeGreaterThan(0);

    const html = await client.report(job.id, "html");
    expect(html).toContain("<html");
    // The worker wrote through a bind mount of the host path the scheduler got as HOST_DATA_DIR.
    const onHost = await readFile(
      path.join(dataDir, "sessions", session.id, "jobs", job.id, "report.html"),
      "utf8",
    );
    expect(onHost).toBe(html);

    // The worker sits on the internal network only, and that network reaches nothing but Redis.
    const worker = (
      await podman("ps", "--filter", `label=io.assay.session-id=${session.id}`, "--format", "json")
    ).stdout;
    const [container] = JSON.parse(worker) as { Networks: string[] }[];
    expect(container?.Networks).toEqual([`${project}-workers`]);
    const network = JSON.parse((await podman("network", "inspect", `${project}-workers`)).stdout) as {
      internal: boolean;
    }[];
    expect(network[0]?.internal).toBe(true);
  });

  it("passes the images' and compose's healthchecks (podman runs them only on request here)", async () => {
    for (const service of ["redis", "api", "scheduler"]) {
      await expect(podman("healthcheck", "run", `${project}_${service}_1`)).resolves.toBeDefined();
    }
  });

  it("down -v leaves no container, worker, network or volume of the project", async () => {
    await compose("down", "-v", "--timeout", "45");
    downDone = true;
    expect(await leftovers()).toEqual({ containers: [], workers: [], networks: [], volumes: [] });
  }, 120_000);
});
