import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The root vitest.config.ts lists its projects; until it lists bench, this runs bench's unit tests.
export default defineConfig({
  test: {
    name: "@assay/bench",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["src/**/*.test.ts"],
  },
});
