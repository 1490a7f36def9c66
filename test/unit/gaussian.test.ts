import { describe, expect, it } from 'vitest';
import { addLogProbGradient, entropy, inverseVariance, logProb, logProbRow, meanKl } from '../../src/main/core/learn/gaussian';
import { Rng } from '../../src/main/core/math/rng';

/** Σ_j [−½((a_j − μ_j)/σ_j)² − log σ_j − ½ log 2π], written independently of the module. */
function referenceLogProb(a: number[], mu: number[], logStd: number[]): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const sigma = Math.exp(logStd[j]);
    s += -0.5 * ((a[j] - mu[j]) / sigma) ** 2 - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
  }
  return s;
}

/** KL(N(μo, σo²) ‖ N(μn, σn²)) summed over dimensions: log(σn/σo) + (σo² + (μo−μn)²)/(2σn²) − ½. */
function referenceKl(muOld: number[], logStdOld: number[], muNew: number[], logStdNew: number[]): number {
  let s = 0;
  for (let j = 0; j < muOld.length; j++) {
    const so = Math.exp(logStdOld[j]);
    const sn = Math.exp(logStdNew[j]);
    s += Math.log(sn / so) + (so * so + (muOld[j] - muNew[j]) ** 2) / (2 * sn * sn) - 0.5;
  }
  return s;
}

function randomVec(rng: Rng, k: number, scale = 1): number[] {
  return Array.from({ length: k }, () => scale * rng.normal());
}

describe('logProb', () => {
  it('matches the closed-form diagonal-Gaussian log-density row by row', () => {
    const rng = new Rng(1);
    const n = 6;
    const d = 3;
    const means = randomVec(rng, n * d, 2);
    const actions = randomVec(rng, n * d, 2);
    const logStd = [-0.7, 0, 0.9];
    const out = logProb(actions, means, logStd, n);
    expect(out.length).toBe(n);
    for (let r = 0; r < n; r++) {
      const expected = referenceLogProb(actions.slice(r * d, (r + 1) * d), means.slice(r * d, (r + 1) * d), logStd);
      expect(out[r]).toBeCloseTo(expected, 12);
    }
  });

  it('for d = 1 equals the log of the textbook density 1/(σ√(2π))·exp(−(a−μ)²/(2σ²))', () => {
    for (const [a, mu, sigma] of [
      [0, 0, 1],
      [1.3, -0.2, 0.5],
      [-2, 1, 3],
    ]) {
      const density = Math.exp(-((a - mu) ** 2) / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
      expect(logProb([a], [mu], [Math.log(sigma)], 1)[0]).toBeCloseTo(Math.log(density), 12);
    }
    // Standard normal at its mean: −½ log 2π ≈ −0.9189385332046727.
    expect(logProb([0], [0], [0], 1)[0]).toBeCloseTo(-0.9189385332046727, 15);
  });

  it('writes into and returns a caller-supplied output array', () => {
    const out = new Float64Array(2);
    const result = logProb([0, 1], [0, 0], [0], 2, out);
    expect(result).toBe(out);
    expect(out[1]).toBeCloseTo(-0.9189385332046727 - 0.5, 15);
  });
});

describe('logProbRow', () => {
  it('equals logProb row by row (to rounding) and the textbook value by hand', () => {
    const rng = new Rng(5);
    const n = 5;
    const d = 4;
    const means = randomVec(rng, n * d);
    const actions = randomVec(rng, n * d, 1.5);
    const logStd = [0.4, -0.2, 0, -1.1];
    const batch = logProb(actions, means, logStd, n);
    for (let r = 0; r < n; r++) expect(logProbRow(actions, means, logStd, r)).toBeCloseTo(batch[r], 12);
    // d = 2, σ = (1, e), a − μ = (1, e): −½·1 − 0 − ½·1 − 1 − log 2π = −2 − log 2π.
    expect(logProbRow([1, Math.E], [0, 0], [0, 1], 0)).toBeCloseTo(-2 - Math.log(2 * Math.PI), 14);
  });
});

describe('inverseVariance', () => {
  it('is 1/σ² per dimension', () => {
    const iv = inverseVariance([0, Math.log(2), -Math.log(4)]);
    expect(iv[0]).toBe(1);
    expect(iv[1]).toBeCloseTo(0.25, 14);
    expect(iv[2]).toBeCloseTo(16, 12);
  });
});

describe('addLogProbGradient', () => {
  it('matches the hand-derived score (a − μ)/σ² and (a − μ)²/σ² − 1, scaled by weight / count', () => {
    // σ = (1, 2), a − μ = (0.5, −4); weight 3, count 2.
    const dMean = new Float32Array(2);
    const dLogStd = new Float64Array([10, 20]);
    addLogProbGradient([1.5, -3], [1, 1], inverseVariance([0, Math.log(2)]), 0, 3, 2, dMean, dLogStd);
    expect(dMean[0]).toBeCloseTo(1.5 * 0.5, 6);
    expect(dMean[1]).toBeCloseTo(1.5 * (-4 / 4), 6);
    // Accumulated onto what was there: (0.25 − 1)·1.5 and (16/4 − 1)·1.5.
    expect(dLogStd[0]).toBeCloseTo(10 + 1.5 * -0.75, 12);
    expect(dLogStd[1]).toBeCloseTo(20 + 1.5 * 3, 12);
  });

  it('equals central finite differences of logProb in the mean and in each log-std', () => {
    const rng = new Rng(6);
    const n = 4;
    const d = 3;
    const means = randomVec(rng, n * d);
    const actions = randomVec(rng, n * d, 1.3);
    const logStd = [0.3, -0.5, 0.1];
    const h = 1e-6;
    for (let r = 0; r < n; r++) {
      const dMean = new Float32Array(n * d);
      const dLogStd = new Float64Array(d);
      addLogProbGradient(actions, means, inverseVariance(logStd), r, 1, 1, dMean, dLogStd);
      const lpAt = (mu: number[], ls: number[]) => logProb(actions.slice(r * d, (r + 1) * d), mu.slice(r * d, (r + 1) * d), ls, 1)[0];
      for (let j = 0; j < d; j++) {
        const up = [...means];
        const down = [...means];
        up[r * d + j] += h;
        down[r * d + j] -= h;
        expect(dMean[r * d + j]).toBeCloseTo((lpAt(up, logStd) - lpAt(down, logStd)) / (2 * h), 4);
        const lsUp = [...logStd];
        const lsDown = [...logStd];
        lsUp[j] += h;
        lsDown[j] -= h;
        expect(dLogStd[j]).toBeCloseTo((lpAt(means, lsUp) - lpAt(means, lsDown)) / (2 * h), 6);
      }
      // Only row r of dMean is written.
      for (let k = 0; k < n * d; k++) if (Math.floor(k / d) !== r) expect(dMean[k]).toBe(0);
    }
  });
});

describe('entropy', () => {
  it('equals 0.5·d·log(2πe) + Σ log σ', () => {
    const logStd = [-1.2, 0.3, 0, 2];
    const expected = 0.5 * logStd.length * Math.log(2 * Math.PI * Math.E) + logStd.reduce((s, v) => s + v, 0);
    expect(entropy(logStd)).toBeCloseTo(expected, 12);
    // Standard normal, d = 1: ½ log(2πe) ≈ 1.4189385332046727.
    expect(entropy([0])).toBeCloseTo(1.4189385332046727, 15);
  });

  it('grows by 1 per unit of each log-std (the gradient TRPO and PPO add for the entropy bonus)', () => {
    const h = 1e-6;
    const logStd = [0.2, -0.7];
    for (let j = 0; j < 2; j++) {
      const up = [...logStd];
      up[j] += h;
      expect((entropy(up) - entropy(logStd)) / h).toBeCloseTo(1, 6);
    }
  });
});

describe('meanKl (old ‖ new)', () => {
  it('is 0 for identical distributions', () => {
    const rng = new Rng(2);
    const means = randomVec(rng, 4 * 3);
    const logStd = [-0.5, 0.2, 1.1];
    expect(Math.abs(meanKl(means, logStd, means, logStd, 4))).toBeLessThan(1e-14);
  });

  it('matches hand numbers for d = 2, averaged over rows', () => {
    // old σ = (1, 2), new σ = (2, 1).
    // Row 0: μ_old = (0, 1), μ_new = (1, 1)
    //   dim 0: ln 2 + (1 + 1)/(2·4) − ½ = ln 2 − 0.25
    //   dim 1: ln ½ + (4 + 0)/(2·1) − ½ = −ln 2 + 1.5      → row KL = 1.25
    // Row 1: μ_old = (2, −1), μ_new = (2, 0)
    //   dim 0: ln 2 + (1 + 0)/8 − ½ = ln 2 − 0.375
    //   dim 1: −ln 2 + (4 + 1)/2 − ½ = −ln 2 + 2          → row KL = 1.625
    // Mean over the 2 rows = 1.4375.
    const oldLogStd = [0, Math.log(2)];
    const newLogStd = [Math.log(2), 0];
    expect(meanKl([0, 1], oldLogStd, [1, 1], newLogStd, 1)).toBeCloseTo(1.25, 12);
    expect(meanKl([0, 1, 2, -1], oldLogStd, [1, 1, 2, 0], newLogStd, 2)).toBeCloseTo(1.4375, 12);
    // KL is not symmetric, so check the reverse direction to pin which argument is "old".
    // Reverse of row 0 (old σ = (2, 1), μ = (1, 1); new σ = (1, 2), μ = (0, 1)):
    //   dim 0: ln ½ + (4 + 1)/2 − ½ = −ln 2 + 2;  dim 1: ln 2 + (1 + 0)/8 − ½ = ln 2 − 0.375  → 1.625
    expect(meanKl([1, 1], newLogStd, [0, 1], oldLogStd, 1)).toBeCloseTo(1.625, 12);
  });

  it('matches the closed form and is non-negative on random inputs', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.int(5);
      const d = 1 + rng.int(4);
      const oldMeans = randomVec(rng, n * d);
      const newMeans = randomVec(rng, n * d);
      const oldLogStd = randomVec(rng, d, 0.7);
      const newLogStd = randomVec(rng, d, 0.7);
      const kl = meanKl(oldMeans, oldLogStd, newMeans, newLogStd, n);
      expect(kl).toBeGreaterThanOrEqual(0);
      let expected = 0;
      for (let r = 0; r < n; r++) expected += referenceKl(oldMeans.slice(r * d, (r + 1) * d), oldLogStd, newMeans.slice(r * d, (r + 1) * d), newLogStd);
      expect(kl).toBeCloseTo(expected / n, 10);
    }
  });

  it('agrees with a Monte-Carlo estimate E_old[log p_old − log p_new] from 200k samples to within 1%', () => {
    const rng = new Rng(4);
    const d = 3;
    const oldMean = [0.3, -1, 0.5];
    const newMean = [0.8, -0.6, 0.1];
    const oldLogStd = [0, -0.4, 0.3];
    const newLogStd = [0.2, -0.1, 0.1];
    const samples = 200_000;
    const actions = new Float64Array(samples * d);
    for (let s = 0; s < samples; s++) for (let j = 0; j < d; j++) actions[s * d + j] = oldMean[j] + Math.exp(oldLogStd[j]) * rng.normal();
    const oldMeans = new Float64Array(samples * d);
    const newMeans = new Float64Array(samples * d);
    for (let s = 0; s < samples; s++) {
      oldMeans.set(oldMean, s * d);
      newMeans.set(newMean, s * d);
    }
    const lpOld = logProb(actions, oldMeans, oldLogStd, samples);
    const lpNew = logProb(actions, newMeans, newLogStd, samples);
    let mc = 0;
    for (let s = 0; s < samples; s++) mc += lpOld[s] - lpNew[s];
    mc /= samples;
    const kl = meanKl(oldMean, oldLogStd, newMean, newLogStd, 1);
    // KL here ≈ 0.39; the estimator's std error is ≈ 0.0015, well inside 1 %.
    expect(kl).toBeGreaterThan(0.1);
    expect(Math.abs(mc - kl) / kl).toBeLessThan(0.01);
    // The reverse KL differs by more than 1 %, so the test also pins the direction.
    const reverse = meanKl(newMean, newLogStd, oldMean, oldLogStd, 1);
    expect(Math.abs(mc - reverse) / reverse).toBeGreaterThan(0.01);
  });
});
