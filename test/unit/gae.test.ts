import { describe, expect, it } from 'vitest';
import { computeGae, standardize, type GaeInput } from '../../src/main/core/learn/gae';
import { Rng } from '../../src/main/core/math/rng';

const GAMMA = 0.9;
const LAMBDA = 0.8;
// γλ = 0.72 is the factor that carries an advantage one step back.

/** One env, T steps; flags default to "episode continues". */
function singleEnv(p: {
  rewards: number[];
  values: number[];
  lastValue: number;
  terminated?: number[];
  truncated?: number[];
  truncationValues?: number[];
  gamma?: number;
  lambda?: number;
}): GaeInput {
  const T = p.rewards.length;
  return {
    steps: T,
    numEnvs: 1,
    rewards: p.rewards,
    values: p.values,
    terminated: p.terminated ?? new Array<number>(T).fill(0),
    truncated: p.truncated ?? new Array<number>(T).fill(0),
    truncationValues: p.truncationValues ?? new Array<number>(T).fill(0),
    lastValues: [p.lastValue],
    gamma: p.gamma ?? GAMMA,
    lambda: p.lambda ?? LAMBDA,
  };
}

function expectAllClose(actual: ArrayLike<number>, expected: number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], digits);
}

// Shared 4-step rollout for the episode-boundary cases (b)–(d).
const REWARDS4 = [1, 2, 3, 4];
const VALUES4 = [0.5, 1, 1.5, 2];
const LAST4 = 2.5;
const TRUNC_V = 3; // V(final observation) of the truncated episode; deliberately ≠ VALUES4[2]

describe('computeGae hand-computed cases', () => {
  it('(a) bootstraps the unfinished episode from lastValues (3 steps, γ=0.9, λ=0.8)', () => {
    // δ2 = 3 + 0.9·2.0 − 1.5 = 3.3          A2 = 3.3
    // δ1 = 2 + 0.9·1.5 − 1.0 = 2.35         A1 = 2.35 + 0.72·3.3   = 4.726
    // δ0 = 1 + 0.9·1.0 − 0.5 = 1.4          A0 = 1.4  + 0.72·4.726 = 4.80272
    const out = computeGae(singleEnv({ rewards: [1, 2, 3], values: [0.5, 1, 1.5], lastValue: 2 }));
    expectAllClose(out.advantages, [4.80272, 4.726, 3.3]);
    // returns = A + V: 5.30272, 5.726, 4.8
    expectAllClose(out.returns, [5.30272, 5.726, 4.8]);
  });

  it('(b) a termination in the middle uses next value 0 and carries nothing across it', () => {
    // Episode 1 = steps 0–1 (terminates at 1); episode 2 = steps 2–3 (bootstraps from lastValue 2.5).
    // δ3 = 4 + 0.9·2.5 − 2   = 4.25        A3 = 4.25
    // δ2 = 3 + 0.9·2   − 1.5 = 3.3         A2 = 3.3 + 0.72·4.25 = 6.36
    // δ1 = 2 + 0.9·0   − 1   = 1           A1 = 1   (nothing carried from A2)
    // δ0 = 1 + 0.9·1   − 0.5 = 1.4         A0 = 1.4 + 0.72·1    = 2.12
    const input = singleEnv({ rewards: REWARDS4, values: VALUES4, lastValue: LAST4, terminated: [0, 1, 0, 0] });
    const out = computeGae(input);
    expectAllClose(out.advantages, [2.12, 1, 6.36, 4.25]);
    expectAllClose(out.returns, [2.62, 2, 7.86, 6.25]);
  });

  it('(c) a truncation in the middle bootstraps from truncationValues and carries nothing across it', () => {
    // Same numbers as (b) but step 1 is truncated with V(final obs) = 3.
    // δ1 = 2 + 0.9·3 − 1 = 3.7              A1 = 3.7
    // A0 = 1.4 + 0.72·3.7 = 1.4 + 2.664      = 4.064
    // Steps 2–3 are a new episode: A2 = 6.36, A3 = 4.25 as in (b).
    const out = computeGae(
      singleEnv({ rewards: REWARDS4, values: VALUES4, lastValue: LAST4, truncated: [0, 1, 0, 0], truncationValues: [0, TRUNC_V, 0, 0] }),
    );
    expectAllClose(out.advantages, [4.064, 3.7, 6.36, 4.25]);
    expectAllClose(out.returns, [4.564, 4.7, 7.86, 6.25]);
  });

  it('(d) truncation differs from termination by exactly γ·V(final obs) at the boundary, times γλ per step before it', () => {
    const term = computeGae(singleEnv({ rewards: REWARDS4, values: VALUES4, lastValue: LAST4, terminated: [0, 1, 0, 0] }));
    const trunc = computeGae(
      singleEnv({ rewards: REWARDS4, values: VALUES4, lastValue: LAST4, truncated: [0, 1, 0, 0], truncationValues: [0, TRUNC_V, 0, 0] }),
    );
    // Boundary step: 0.9·3 = 2.7; the step before: 0.72·2.7 = 1.944; later episode: unaffected.
    const diff = Array.from(trunc.advantages, (a, i) => a - term.advantages[i]);
    expectAllClose(diff, [1.944, 2.7, 0, 0]);
  });

  it('does not let rewards or values after an episode boundary leak into the advantages before it', () => {
    // Changing everything in the second episode (steps 2–3, lastValue) must leave steps 0–1 unchanged,
    // for both kinds of boundary: this is what "no advantage carried across" means.
    for (const kind of ['terminated', 'truncated'] as const) {
      const flags = { [kind]: [0, 1, 0, 0], truncationValues: [0, TRUNC_V, 0, 0] };
      const a = computeGae(singleEnv({ rewards: REWARDS4, values: VALUES4, lastValue: LAST4, ...flags }));
      const b = computeGae(singleEnv({ rewards: [1, 2, -30, 70], values: [0.5, 1, 9, -4], lastValue: -100, ...flags }));
      expect(b.advantages[0]).toBe(a.advantages[0]);
      expect(b.advantages[1]).toBe(a.advantages[1]);
      expect(b.advantages[2]).not.toBe(a.advantages[2]);
    }
  });

  it('treats a step that is both terminated and truncated as terminated (value after it 0)', () => {
    // Termination is the stronger fact: the MDP really ended, so the truncation value must be ignored.
    const out = computeGae(
      singleEnv({ rewards: [2], values: [1], lastValue: 50, terminated: [1], truncated: [1], truncationValues: [40] }),
    );
    expectAllClose(out.advantages, [1]); // 2 + 0 − 1
  });

  it('bootstraps a truncation on the last step from truncationValues, not lastValues', () => {
    // lastValues holds V of the reset observation of the next episode, which must not be used here.
    const out = computeGae(singleEnv({ rewards: [1, 2], values: [0.5, 1], lastValue: 100, truncated: [0, 1], truncationValues: [0, 3] }));
    // A1 = 2 + 0.9·3 − 1 = 3.7;  A0 = (1 + 0.9·1 − 0.5) + 0.72·3.7 = 1.4 + 2.664 = 4.064
    expectAllClose(out.advantages, [4.064, 3.7]);
  });
});

describe('computeGae with several envs', () => {
  it('(e) two interleaved envs (row t = [env0, env1]) give exactly the results of each env alone', () => {
    const env0 = singleEnv({ rewards: REWARDS4, values: VALUES4, lastValue: LAST4, terminated: [0, 1, 0, 0] });
    const env1 = singleEnv({
      rewards: [-1, 0.5, 2, 0],
      values: [0.2, -0.3, 0.7, 1.1],
      lastValue: -0.4,
      truncated: [0, 0, 1, 0],
      truncationValues: [0, 0, 1.8, 0],
    });
    const interleave = (a: ArrayLike<number>, b: ArrayLike<number>): number[] => Array.from(a).flatMap((x, t) => [x, b[t]]);
    const both = computeGae({
      steps: 4,
      numEnvs: 2,
      rewards: interleave(env0.rewards, env1.rewards),
      values: interleave(env0.values, env1.values),
      terminated: interleave(env0.terminated, env1.terminated),
      truncated: interleave(env0.truncated, env1.truncated),
      truncationValues: interleave(env0.truncationValues, env1.truncationValues),
      lastValues: [LAST4, -0.4],
      gamma: GAMMA,
      lambda: LAMBDA,
    });
    const alone0 = computeGae(env0);
    const alone1 = computeGae(env1);
    // Same arithmetic in the same order, so equality is exact.
    expect(Array.from(both.advantages)).toEqual(interleave(alone0.advantages, alone1.advantages));
    expect(Array.from(both.returns)).toEqual(interleave(alone0.returns, alone1.returns));
    // Sanity: env0 alone is case (b).
    expectAllClose(alone0.advantages, [2.12, 1, 6.36, 4.25]);
  });
});

describe('computeGae identities', () => {
  it('(f) with γ = λ = 1 the advantage is the Monte-Carlo return minus the value', () => {
    // Episode terminates at the last step, so the return is the plain reward-to-go:
    // G = [1+2+3+4, 2+3+4, 3+4, 4] = [10, 9, 7, 4].
    const values = [0.3, -1.2, 2.5, 0.9];
    const out = computeGae(
      singleEnv({ rewards: [1, 2, 3, 4], values, lastValue: 123, terminated: [0, 0, 0, 1], gamma: 1, lambda: 1 }),
    );
    expectAllClose(out.advantages, [10 - 0.3, 9 + 1.2, 7 - 2.5, 4 - 0.9]);
    expectAllClose(out.returns, [10, 9, 7, 4]);
  });

  it('(f) with γ = λ = 1 and no episode end the return is reward-to-go plus lastValue', () => {
    const out = computeGae(singleEnv({ rewards: [1, 2, 3], values: [5, 6, 7], lastValue: 10, gamma: 1, lambda: 1 }));
    expectAllClose(out.returns, [16, 15, 13]);
  });

  it('returns = advantages + values on a random multi-env rollout with both kinds of episode end', () => {
    const rng = new Rng(5);
    const T = 50;
    const N = 3;
    const rand = (k: number) => Array.from({ length: k }, () => rng.normal());
    const values = rand(T * N);
    const out = computeGae({
      steps: T,
      numEnvs: N,
      rewards: rand(T * N),
      values,
      terminated: Array.from({ length: T * N }, () => (rng.random() < 0.05 ? 1 : 0)),
      truncated: Array.from({ length: T * N }, () => (rng.random() < 0.05 ? 1 : 0)),
      truncationValues: rand(T * N),
      lastValues: rand(N),
      gamma: 0.99,
      lambda: 0.95,
    });
    for (let i = 0; i < T * N; i++) expect(out.returns[i]).toBeCloseTo(out.advantages[i] + values[i], 12);
  });
});

describe('standardize', () => {
  it('gives mean 0 and (population) std 1, in place', () => {
    const rng = new Rng(9);
    const x = Float64Array.from({ length: 1000 }, () => 3 + 7 * rng.normal());
    const result = standardize(x);
    expect(result).toBe(x); // in place: the same array comes back
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const std = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
    expect(Math.abs(mean)).toBeLessThan(1e-12);
    expect(std).toBeCloseTo(1, 7); // std/(std + 1e-8) differs from 1 by ~1e-9
  });

  it('maps a hand example [1, 2, 3] to [−√1.5, 0, √1.5]', () => {
    // mean 2, population var 2/3, so (x − 2)/√(2/3) = ∓√1.5.
    const x = standardize(Float64Array.from([1, 2, 3]));
    expectAllClose(x, [-Math.sqrt(1.5), 0, Math.sqrt(1.5)], 7);
  });

  it('leaves a constant vector at 0 instead of NaN (the 1e-8 guard) and accepts an empty one', () => {
    expect(Array.from(standardize(Float64Array.from([4, 4, 4])))).toEqual([0, 0, 0]);
    expect(standardize(new Float64Array(0)).length).toBe(0);
  });
});
