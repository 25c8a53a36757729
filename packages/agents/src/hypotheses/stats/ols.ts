import { Matrix, QrDecomposition } from "ml-matrix";
import { fUpperP, tTwoSidedP } from "./distributions.js";
import type { StatTest } from "./stat-test.js";

export class RankDeficient extends Error {}

/**
 * Ordinary least squares by Householder QR (ml-matrix), never the normal equations, so ill-conditioned
 * designs such as NIST's Longley keep their digits. `design` holds the predictor columns; an intercept
 * is added. Standard errors from diag(R⁻¹R⁻ᵀ)·σ². Throws RankDeficient for collinear columns.
 */
export function ols(design: { term: string; values: ArrayLike<number> }[], y: ArrayLike<number>): StatTest {
  const n = y.length;
  const p = design.length + 1;
  const x = new Matrix(n, p);
  for (let i = 0; i < n; i++) {
    x.set(i, 0, 1);
    design.forEach((column, j) => {
      x.set(i, j + 1, column.values[i] as number);
    });
  }
  const qr = new QrDecomposition(x);
  const r = qr.upperTriangularMatrix;
  const diagonal = Array.from({ length: p }, (_, j) => Math.abs(r.get(j, j)));
  const largest = Math.max(...diagonal);
  if (n <= p || diagonal.some((d) => d <= 1e-10 * largest))
    throw new RankDeficient("predictors are collinear");

  const beta = qr.solve(Matrix.columnVector(Array.from(y))).getColumn(0);
  let sse = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) meanY += (y[i] as number) / n;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    let fitted = 0;
    for (let j = 0; j < p; j++) fitted += x.get(i, j) * (beta[j] as number);
    sse += ((y[i] as number) - fitted) ** 2;
    sst += ((y[i] as number) - meanY) ** 2;
  }
  const dfResidual = n - p;
  const sigma2 = sse / dfResidual;

  // R is upper triangular: invert it by back substitution, then diag((RᵀR)⁻¹) is the row norms of R⁻¹.
  const rInv = new Matrix(p, p);
  for (let col = 0; col < p; col++) {
    for (let row = col; row >= 0; row--) {
      let sum = row === col ? 1 : 0;
      for (let k = row + 1; k <= col; k++) sum -= r.get(row, k) * rInv.get(k, col);
      rInv.set(row, col, sum / r.get(row, row));
    }
  }
  const terms = ["(intercept)", ...design.map((c) => c.term)];
  const coefficients = terms.map((term, j) => {
    let rowNorm = 0;
    for (let k = j; k < p; k++) rowNorm += rInv.get(j, k) ** 2;
    const estimate = beta[j] as number;
    const stdError = Math.sqrt(rowNorm * sigma2);
    const t = estimate / stdError;
    return { term, estimate, stdError, t, pValue: tTwoSidedP(t, dfResidual) };
  });
  const r2 = sst > 0 ? 1 - sse / sst : 0;
  const dfModel = p - 1;
  const f = (sst - sse) / dfModel / sigma2;
  return {
    name: "ols",
    statistic: f,
    df: [dfModel, dfResidual],
    pValue: fUpperP(f, dfModel, dfResidual),
    effectSize: { name: "r_squared", value: r2, ci95: null },
    n,
    coefficients,
    r2,
  };
}
