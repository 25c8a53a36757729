/** A chart id safe in file names (`chart-<id>.svg` must be a plain artifact name). */
export function chartId(kind: string, ...parts: (string | number)[]): string {
  const slug = parts
    .map((p) =>
      String(p)
        .normalize("NFKD")
        .replace(/\p{M}/gu, "") // accents split off by NFKD
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, ""),
    )
    .filter((p) => p.length > 0)
    .join("-");
  return `${kind}${slug ? `-${slug}` : ""}`.slice(0, 100);
}
