import type { EffectSize, TestName } from "@assay/contracts";

/** What one computed test yields, before it gets an id and a role in a hypothesis result. */
export interface StatTest {
  name: TestName;
  statistic: number;
  df?: number | [number, number];
  pValue: number;
  effectSize?: EffectSize;
  n: number;
  coefficients?: { term: string; estimate: number; stdError: number; t: number; pValue: number }[];
  r2?: number;
  note?: string;
}
