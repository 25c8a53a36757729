import { kendallS } from "./correlation.js";
import { normalTwoSidedP } from "./distributions.js";
import type { StatTest } from "./stat-test.js";

/**
 * Mann–Kendall trend test: Kendall's S between time and value with the tie-corrected variance and
 * continuity correction z = (S − sign S)/sqrt(Var S) (Mann 1945; Kendall 1975; as R's
 * cor.test(method = "kendall", exact = FALSE, continuity = TRUE)). Effect size: Kendall's tau-b.
 */
export function mannKendall(time: ArrayLike<number>, values: ArrayLike<number>): StatTest {
  const { s, variance, pairs, tiedX, tiedY } = kendallS(time, values);
  const z = variance > 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  const tau = s / Math.sqrt((pairs - tiedX) * (pairs - tiedY));
  return {
    name: "mann_kendall",
    statistic: s,
    pValue: normalTwoSidedP(z),
    effectSize: { name: "kendall_tau_b", value: tau, ci95: null },
    n: values.length,
    note: `z = ${z.toPrecision(4)}`,
  };
}
