/**
 * Gradient penalty on a scalar tanh MLP's input gradient (WGAN-GP, Gulrajani
 * et al. 2017; DAC, Kostrikov et al. 2019, for GAIL's discriminator):
 * P = coef · mean_i (‖∇ₓ f(xᵢ)‖ − target)², and ∂P/∂θ by a second reverse pass
 * through the input-gradient computation ("double backward"). Lipschitz
 * regularisation keeps D from becoming a near-step function whose reward is
 * flat (≈ 0) everywhere the policy goes — the collapse signature.
 *
 * Plain float64 loops (inner loops over contiguous rows of the weights),
 * because the kernels (mlpWasm.ts) have no pass that injects gradients into
 * hidden activations; for a 2×100 net about 70k multiply-adds per row.
 */
import type { MlpLayout } from './mlp';

export interface GradientPenaltyResult {
  /** coef · mean (‖∇ₓ f‖ − target)². */
  penalty: number;
  /** Mean ‖∇ₓ f‖ over the rows (a diagnostic). */
  meanGradNorm: number;
}

/**
 * Adds ∂P/∂θ into `gradOut` (params layout) for `rows` input rows of `x`
 * (rows × inputSize, row-major). `params` holds the flat MLP parameters.
 */
export function addGradientPenalty(
  layout: MlpLayout,
  params: ArrayLike<number>,
  x: ArrayLike<number>,
  rows: number,
  coef: number,
  target: number,
  gradOut: Float32Array | Float64Array,
): GradientPenaltyResult {
  const { sizes, weightOffset: wo, biasOffset: bo, numLayers: L } = layout;
  if (layout.outputSize !== 1) throw new Error(`gradient penalty needs a scalar network, got ${layout.outputSize} outputs`);
  const n = rows;
  const P = Float64Array.from(params as ArrayLike<number>);
  const grad = new Float64Array(P.length);
  // A[l]: activations of layer l (A[0] = x), for l < L.
  const A: Float64Array[] = [Float64Array.from({ length: n * sizes[0] }, (_, k) => x[k])];
  for (let l = 1; l < L; l++) {
    const nIn = sizes[l - 1];
    const nOut = sizes[l];
    const a = new Float64Array(n * nOut);
    const prev = A[l - 1];
    const w = wo[l - 1];
    const b = bo[l - 1];
    for (let r = 0; r < n; r++) {
      const o = r * nOut;
      for (let j = 0; j < nOut; j++) a[o + j] = P[b + j];
      for (let i = 0; i < nIn; i++) {
        const v = prev[r * nIn + i];
        const wr = w + i * nOut;
        for (let j = 0; j < nOut; j++) a[o + j] += v * P[wr + j];
      }
      for (let j = 0; j < nOut; j++) a[o + j] = Math.tanh(a[o + j]);
    }
    A.push(a);
  }
  // Input gradient: G[L] = 1; U[l−1] = G[l]·Wₗᵀ; G[l−1] = U[l−1] ⊙ (1 − A[l−1]²).
  const U: Float64Array[] = new Array(L);
  const G: Float64Array[] = new Array(L + 1);
  G[L] = new Float64Array(n).fill(1);
  for (let l = L; l >= 1; l--) {
    const nIn = sizes[l - 1];
    const nOut = sizes[l];
    const u = new Float64Array(n * nIn);
    const g = G[l];
    const w = wo[l - 1];
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < nIn; i++) {
        let s = 0;
        const wr = w + i * nOut;
        for (let j = 0; j < nOut; j++) s += g[r * nOut + j] * P[wr + j];
        u[r * nIn + i] = s;
      }
    }
    U[l - 1] = u;
    if (l > 1) {
      const a = A[l - 1];
      const gPrev = new Float64Array(n * nIn);
      for (let k = 0; k < n * nIn; k++) gPrev[k] = u[k] * (1 - a[k] * a[k]);
      G[l - 1] = gPrev;
    }
  }
  // P and ∂P/∂U[0].
  const d0 = sizes[0];
  let penalty = 0;
  let normSum = 0;
  let uBar = new Float64Array(n * d0);
  for (let r = 0; r < n; r++) {
    let sq = 0;
    for (let i = 0; i < d0; i++) sq += U[0][r * d0 + i] ** 2;
    const norm = Math.sqrt(sq);
    normSum += norm;
    penalty += (norm - target) ** 2;
    // d(‖u‖ − t)²/du = 2(‖u‖ − t)·u/‖u‖; at t = 0 that is 2u, defined at u = 0 too.
    const scale = target === 0 ? 2 : norm > 0 ? (2 * (norm - target)) / norm : 0;
    for (let i = 0; i < d0; i++) uBar[r * d0 + i] = (coef / n) * scale * U[0][r * d0 + i];
  }
  // Reverse through the input-gradient chain, upwards; ā collects ∂P/∂A[l] via the (1 − a²) factors.
  const aBar: Float64Array[] = new Array(L);
  for (let l = 1; l <= L; l++) {
    const nIn = sizes[l - 1];
    const nOut = sizes[l];
    const g = G[l];
    const w = wo[l - 1];
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < nIn; i++) {
        const ub = uBar[r * nIn + i];
        const wr = w + i * nOut;
        for (let j = 0; j < nOut; j++) grad[wr + j] += ub * g[r * nOut + j];
      }
    }
    if (l === L) break;
    const gBar = new Float64Array(n * nOut);
    for (let r = 0; r < n; r++) {
      const o = r * nOut;
      for (let i = 0; i < nIn; i++) {
        const ub = uBar[r * nIn + i];
        const wr = w + i * nOut;
        for (let j = 0; j < nOut; j++) gBar[o + j] += ub * P[wr + j];
      }
    }
    const a = A[l];
    const u = U[l];
    const nextUBar = new Float64Array(n * nOut);
    const ab = new Float64Array(n * nOut);
    for (let k = 0; k < n * nOut; k++) {
      nextUBar[k] = gBar[k] * (1 - a[k] * a[k]);
      ab[k] = gBar[k] * u[k] * -2 * a[k];
    }
    aBar[l] = ab;
    uBar = nextUBar;
  }
  // Reverse through the forward pass, downwards (the output itself does not enter P).
  for (let l = L - 1; l >= 1; l--) {
    const nIn = sizes[l - 1];
    const nOut = sizes[l];
    const a = A[l];
    const zBar = new Float64Array(n * nOut);
    for (let k = 0; k < n * nOut; k++) zBar[k] = aBar[l][k] * (1 - a[k] * a[k]);
    const prev = A[l - 1];
    const w = wo[l - 1];
    const b = bo[l - 1];
    for (let r = 0; r < n; r++) {
      const o = r * nOut;
      for (let j = 0; j < nOut; j++) grad[b + j] += zBar[o + j];
      for (let i = 0; i < nIn; i++) {
        const v = prev[r * nIn + i];
        const wr = w + i * nOut;
        for (let j = 0; j < nOut; j++) grad[wr + j] += v * zBar[o + j];
      }
    }
    if (l > 1) {
      const below = aBar[l - 1];
      for (let r = 0; r < n; r++) {
        const o = r * nOut;
        for (let i = 0; i < nIn; i++) {
          let s = 0;
          const wr = w + i * nOut;
          for (let j = 0; j < nOut; j++) s += zBar[o + j] * P[wr + j];
          below[r * nIn + i] += s;
        }
      }
    }
  }
  for (let k = 0; k < grad.length; k++) gradOut[k] += grad[k];
  return { penalty: (coef * penalty) / n, meanGradNorm: normSum / n };
}
