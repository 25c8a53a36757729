import { defineConfig } from "vitest/config";

// One project per workspace package so `pnpm --filter X test` and the root run share settings.
const packages = [
  "packages/contracts",
  "packages/runtime",
  "packages/auth",
  "packages/datasets",
  "packages/agents",
  "packages/fake-llm",
  "packages/cli",
  "packages/client",
  "packages/dashboard",
  "packages/devstack",
  "services/api",
  "services/scheduler",
  "services/worker-image",
  "bench",
];

export default defineConfig({
  test: {
    projects: packages.map((root) => ({
      extends: true,
      test: {
        name: `@assay/${root.split("/").at(-1)}`,
        root,
        include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      },
    })),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real processes and Redis stacks; two cores cannot run many at once.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
