#!/usr/bin/env node
// Makes a fresh clone runnable with nothing but Node 20+ and npm: installs pnpm and the
// workspace's packages when missing, builds, then runs the requested task. Plain Node on purpose:
// it runs before any dependency exists.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [task = "start", ...rest] = process.argv.slice(2);
const tasks = {
  start: ["node", ["packages/devstack/dist/start.js", ...rest]],
  demo: ["node", ["packages/devstack/dist/demo.js", ...rest]],
  test: ["bash", ["scripts/test.sh", ...rest]],
};
if (!(task in tasks)) {
  console.error(`usage: bootstrap.mjs ${Object.keys(tasks).join("|")}`);
  process.exit(2);
}

const step = (message) => console.log(`\x1b[36m▸\x1b[0m ${message}`);
const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
const has = (command) => spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Assay needs Node.js 20.19 or newer (found ${process.version}).`);
  process.exit(1);
}

if (!has("pnpm")) {
  step("installing pnpm (npm i -g pnpm)");
  run("npm", ["install", "-g", "pnpm@12"]);
}

// Install when node_modules is missing or older than the lockfile.
const lock = path.join(root, "pnpm-lock.yaml");
const marker = path.join(root, "node_modules/.modules.yaml");
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
  step("installing packages (pnpm install)");
  run("pnpm", ["install", "--frozen-lockfile"]);
}

step("building (tsc -b)");
run("pnpm", ["run", "--silent", "build"]);

const [command, args] = tasks[task];
const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
process.exit(result.status ?? (result.signal ? 1 : 0));
