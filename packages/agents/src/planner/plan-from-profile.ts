import type { HypothesisSpec, Profile } from "@assay/contracts";
import type { PlannedHypothesis } from "../hypotheses/index.js";

/** Most levels a grouping column may have to be proposed for a difference test. */
export const MAX_PROFILE_LEVELS = 10;

/**
 * The most informative hypotheses the profile suggests, capped at `max`: strongest associations
 * first, then numeric metrics across categorical columns with few levels.
 */
export function planFromProfile(profile: Profile, opts: { max: number }): PlannedHypothesis[] {
  const kinds = new Map(profile.columnProfiles.map((c) => [c.name, c]));
  const planned: PlannedHypothesis[] = [];
  const seen = new Set<string>();
  const add = (spec: HypothesisSpec, rationale: string) => {
    const key = JSON.stringify(spec);
    if (seen.has(key)) return;
    seen.add(key);
    planned.push({ spec, source: "profile", rationale });
  };
  const strongest = [...profile.associations].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  for (const association of strongest) {
    const rationale = `the profile found ${association.method} = ${association.value.toPrecision(3)}`;
    if (association.method === "correlation_ratio") {
      const xNumeric = kinds.get(association.x)?.kind === "numeric";
      add(
        {
          kind: "difference",
          metric: xNumeric ? association.x : association.y,
          groupBy: xNumeric ? association.y : association.x,
        },
        rationale,
      );
    } else add({ kind: "association", x: association.x, y: association.y }, rationale);
  }
  const groupings = profile.columnProfiles.filter(
    (c) =>
      (c.kind === "categorical" || c.kind === "boolean") &&
      c.distinct >= 2 &&
      c.distinct <= MAX_PROFILE_LEVELS,
  );
  const metrics = profile.columnProfiles.filter((c) => c.kind === "numeric" && (c.numeric?.std ?? 0) > 0);
  for (const group of groupings.sort((a, b) => a.distinct - b.distinct))
    for (const metric of metrics)
      add(
        { kind: "difference", metric: metric.name, groupBy: group.name },
        `${group.name} has ${group.distinct} levels`,
      );
  return planned.slice(0, opts.max);
}
