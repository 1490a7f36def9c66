/**
 * PPO's reward scaling: rewards divided by the running std of the discounted
 * return, computed here from the definition (Gymnasium's NormalizeReward),
 * returns reset at episode ends, clipping, and a resumable state.
 */
import { describe, expect, it } from 'vitest';
import { ReturnScaler } from '../../src/main/core/learn/rewardScaling';
import { Rng } from '../../src/main/core/math/rng';

/** Reference: Welford over every per-step return vector, var starting at 1 with count 1e-4 (as gym's RunningMeanStd). */
function reference(rewards: number[], dones: boolean[], n: number, gamma: number, clip: number): number[] {
  const G = new Array(n).fill(0);
  let mean = 0;
  let v = 1;
  let count = 1e-4;
  const out: number[] = [];
  for (let t = 0; t < rewards.length / n; t++) {
    for (let e = 0; e < n; e++) G[e] = gamma * G[e] + rewards[t * n + e];
    const bm = G.reduce((a, b) => a + b, 0) / n;
    const bv = G.reduce((a, b) => a + (b - bm) ** 2, 0) / n;
    const total = count + n;
    const delta = bm - mean;
    mean += (delta * n) / total;
    v = (v * count + bv * n + (delta * delta * count * n) / total) / total;
    count = total;
    for (let e = 0; e < n; e++) {
      out.push(Math.max(-clip, Math.min(clip, rewards[t * n + e] / Math.sqrt(v + 1e-8))));
      if (dones[t * n + e]) G[e] = 0;
    }
  }
  return out;
}

describe('ReturnScaler', () => {
  const n = 2;
  const steps = 300;
  const rng = new Rng(4);
  const rewards = Float64Array.from({ length: steps * n }, () => 3 + 2 * rng.normal());
  const terminated = Uint8Array.from({ length: steps * n }, (_, i) => (i % 97 === 5 ? 1 : 0));
  const truncated = Uint8Array.from({ length: steps * n }, (_, i) => (i % 131 === 7 ? 1 : 0));
  const dones = Array.from(terminated, (t, i) => t === 1 || truncated[i] === 1);

  it('equals the definition, in two rollouts as in one (state carried between them)', () => {
    const want = reference(Array.from(rewards), dones, n, 0.99, 10);
    const s = new ReturnScaler(n, 0.99, 10);
    const half = (steps / 2) * n;
    const a = s.scale(rewards.subarray(0, half), terminated.subarray(0, half), truncated.subarray(0, half));
    const b = s.scale(rewards.subarray(half), terminated.subarray(half), truncated.subarray(half));
    const got = [...a, ...b];
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i], 10);
    // Returns of ~3/(1 − 0.99) = 300 in scale: scaled rewards are far below the raw ones.
    expect(Math.abs(got[got.length - 1])).toBeLessThan(Math.abs(rewards[rewards.length - 1]) / 5);
  });

  it('clips scaled rewards to ±clip', () => {
    const s = new ReturnScaler(1, 0.99, 0.5);
    const out = s.scale(Float64Array.from([100, -100, 100]), new Uint8Array(3), new Uint8Array(3));
    expect(Array.from(out).map(Math.abs)).toEqual([0.5, 0.5, 0.5]);
  });

  it('resumes from its state with identical numbers', () => {
    const a = new ReturnScaler(n, 0.99, 10);
    const half = (steps / 2) * n;
    a.scale(rewards.subarray(0, half), terminated.subarray(0, half), truncated.subarray(0, half));
    const b = new ReturnScaler(n, 0.99, 10);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    const ra = a.scale(rewards.subarray(half), terminated.subarray(half), truncated.subarray(half));
    const rb = b.scale(rewards.subarray(half), terminated.subarray(half), truncated.subarray(half));
    expect(Array.from(rb)).toEqual(Array.from(ra));
  });
});
