import type { Profile } from "@assay/contracts";
import type { PlannedHypothesis } from "../hypotheses/index.js";
import type { Plan } from "./plan.js";
import { planFromProfile } from "./plan-from-profile.js";
import { planFromQuery } from "./plan-from-query.js";

export interface PlanAnalysisInput {
  query: string;
  profile: Profile;
  requested: readonly PlannedHypothesis["spec"][];
  maxHypotheses: number;
}

/**
 * The deterministic plan of a job: the request's own hypotheses when it names any, else those the
 * query asks for, else the most informative ones the profile suggests. The query's data pipelines
 * (group-by, resample…) are kept in every case, since they answer the question as asked.
 */
export function planAnalysis(input: PlanAnalysisInput): Plan {
  const columns = input.profile.columnProfiles.map((c) => ({ name: c.name, kind: c.kind }));
  const fromQuery = planFromQuery(input.query, columns, { max: input.maxHypotheses });
  if (input.requested.length > 0) {
    return {
      hypotheses: input.requested.map((spec) => ({
        spec,
        source: "request",
        rationale: "named in the request",
      })),
      pipelines: fromQuery.pipelines,
      notes: [`${input.requested.length} hypotheses came with the request`, ...fromQuery.notes],
    };
  }
  if (fromQuery.hypotheses.length > 0 || fromQuery.pipelines.length > 0) return fromQuery;
  const fromProfile = planFromProfile(input.profile, { max: input.maxHypotheses });
  return {
    hypotheses: fromProfile,
    pipelines: [],
    notes: [
      ...fromQuery.notes,
      fromProfile.length > 0
        ? `${fromProfile.length} hypotheses proposed from the profile (strongest associations, then groupings with few levels)`
        : "the profile suggests no testable hypothesis",
    ],
  };
}
