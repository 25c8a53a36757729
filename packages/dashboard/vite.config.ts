import { defineConfig } from "vite";

// Relative asset URLs: the built files work wherever the api mounts them.
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2_000 },
});
