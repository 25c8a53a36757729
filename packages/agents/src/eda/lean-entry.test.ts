import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** What the profile may load: polars, the contracts and zod (which the contracts use), and Node's own modules. */
const ALLOWED = new Set(["nodejs-polars", "@assay/contracts", "zod"]);
const isAllowed = (specifier: string) => ALLOWED.has(specifier) || specifier.startsWith("node:");
/** Workspace packages the profile uses, followed into their source so their imports count too. */
const FOLLOWED: Record<string, string> = {
  "@assay/datasets": fileURLToPath(new URL("../../../datasets/src/index.ts", import.meta.url)),
};
/** Static and dynamic imports, and packages loaded with `createRequire(...)("name")`. */
const IMPORT =
  /^(?:import|export)\s+(?!type\s)[^;]*?\sfrom\s+"([^"]+)"|^import\s+"([^"]+)"|\bimport\("([^"]+)"\)|\bcreateRequire\([^)]*\)\("([^"]+)"\)/gm;

/** Every package the module graph from `entry` loads at runtime (type-only imports load nothing). */
function runtimePackages(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const specifier = (match[1] ?? match[2] ?? match[3] ?? match[4]) as string;
      const followed = FOLLOWED[specifier];
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      else if (followed) visit(followed);
      else packages.add(specifier);
    }
  };
  visit(entry);
  return packages;
}

describe("@assay/agents/profile", () => {
  it("loads no chart, model or statistics library, so profiling alone starts fast", () => {
    const entry = fileURLToPath(new URL("./index.ts", import.meta.url));
    const packages = runtimePackages(entry);
    expect([...packages].filter((p) => !isAllowed(p))).toEqual([]);
    expect(packages).toContain("nodejs-polars");
  });
});
