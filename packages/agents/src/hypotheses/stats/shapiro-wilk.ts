import { normalUpperP, zQuantile } from "./distributions.js";
import type { StatTest } from "./stat-test.js";

/** Largest sample the approximation is valid for (Royston 1995). */
export const SHAPIRO_MAX_N = 5000;

/** c0 + c1·x + c2·x² + … */
function poly(coefficients: number[], x: number): number {
  return coefficients.reduceRight((acc, c) => acc * x + c, 0);
}

/**
 * Shapiro–Wilk W with Royston's (1995) algorithm AS R94, as scipy.stats.shapiro and R shapiro.test.
 * No library for Node implements it; 3 ≤ n ≤ 5000 and a non-constant sample are required.
 */
export function shapiroWilk(values: ArrayLike<number>): StatTest {
  const x = Float64Array.from(values).sort();
  const n = x.length;
  const half = n >> 1;
  const a = new Float64Array(half);
  if (n === 3) {
    a[0] = Math.SQRT1_2;
  } else {
    const m = Float64Array.from({ length: half }, (_, i) => zQuantile((i + 1 - 0.375) / (n + 0.25)));
    const summ2 = 2 * m.reduce((s, v) => s + v * v, 0);
    const ssumm2 = Math.sqrt(summ2);
    const rsn = 1 / Math.sqrt(n);
    const m0 = m[0] as number;
    const m1 = m[1] as number;
    const a1 = poly([0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056], rsn) - m0 / ssumm2;
    let first: number;
    let fac: number;
    if (n > 5) {
      const a2 = -m1 / ssumm2 + poly([0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633], rsn);
      fac = Math.sqrt((summ2 - 2 * m0 * m0 - 2 * m1 * m1) / (1 - 2 * a1 * a1 - 2 * a2 * a2));
      a[1] = a2;
      first = 2;
    } else {
      fac = Math.sqrt((summ2 - 2 * m0 * m0) / (1 - 2 * a1 * a1));
      first = 1;
    }
    a[0] = a1;
    for (let i = first; i < half; i++) a[i] = -(m[i] as number) / fac;
  }
  let mean = 0;
  for (const v of x) mean += v / n;
  let ss = 0;
  for (const v of x) ss += (v - mean) ** 2;
  let linear = 0;
  for (let i = 0; i < half; i++) linear += (a[i] as number) * ((x[n - 1 - i] as number) - (x[i] as number));
  const w = Math.min(1, (linear * linear) / ss);

  let pValue: number;
  if (n === 3) {
    pValue = Math.max(0, (6 / Math.PI) * (Math.asin(Math.sqrt(w)) - Math.PI / 3));
  } else {
    let y = Math.log(1 - w);
    let mu: number;
    let sigma: number;
    if (n <= 11) {
      const gamma = poly([-2.273, 0.459], n);
      if (y >= gamma) return { name: "shapiro_wilk", statistic: w, pValue: 0, n };
      y = -Math.log(gamma - y);
      mu = poly([0.544, -0.39978, 0.025054, -6.714e-4], n);
      sigma = Math.exp(poly([1.3822, -0.77857, 0.062767, -0.0020322], n));
    } else {
      const ln = Math.log(n);
      mu = poly([-1.5861, -0.31082, -0.083751, 0.0038915], ln);
      sigma = Math.exp(poly([-0.4803, -0.082676, 0.0030302], ln));
    }
    pValue = w === 1 ? 1 : normalUpperP((y - mu) / sigma);
  }
  return { name: "shapiro_wilk", statistic: w, pValue: Math.min(1, pValue), n };
}
