import { defineConfig } from "vitest/config";

// `pnpm test:soak`: the long soak (SOAK_SECONDS, default 180), kept out of `pnpm test`, whose
// include pattern (`*.test.ts`) does not match `*.soak.ts`.
export default defineConfig({
  test: {
    name: "@assay/devstack-soak",
    root: import.meta.dirname,
    include: ["test/soak/*.soak.ts"],
    hookTimeout: 60_000,
  },
});
