export type Intent = "difference" | "association" | "regression" | "trend" | "summary";

/** Word families that signal what the query asks, checked in this order. */
const FAMILIES: [Intent, RegExp][] = [
  ["summary", /\b(distribution|summar\w*|describe|overview)\b/i],
  ["trend", /\b(trends?|trending|over time|growth|grow(s|ing)?|increas\w*|decreas\w*|evolv\w*)\b/i],
  ["regression", /\b(predict\w*|explain\w*|regress\w*|model)\b/i],
  [
    "association",
    /\b(relat\w*|correlat\w*|associat\w*|drives?|driving|affects?|affecting|impacts?|depend\w*)\b/i,
  ],
  ["difference", /\b(compar\w*|differ\w*|by|across|between|versus|vs)\b/i],
];

/** The intents a query states, in priority order (summary, trend, regression, association, difference). */
export function detectIntents(query: string): Intent[] {
  return FAMILIES.filter(([, pattern]) => pattern.test(query)).map(([intent]) => intent);
}
