import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV_SPECS } from '../../src/shared/envCatalog';
import { ImlabError } from '../../src/shared/errors';
import { Rng } from '../../src/main/core/math/rng';
import { MujocoEnv } from '../../src/main/core/sim/mujocoEnv';
import { SimModel } from '../../src/main/core/sim/simModel';
import { VecEnv } from '../../src/main/core/sim/vecEnv';

describe('VecEnv', () => {
  let sim: SimModel;
  beforeAll(async () => {
    sim = await SimModel.load('Hopper-v5');
  });
  afterAll(() => sim.dispose());
  const { actDim, obsDim } = ENV_SPECS['Hopper-v5'];

  it('steps N envs exactly as N separate envs seeded seed+i, with auto-reset and final observations', () => {
    const n = 3;
    const vec = new VecEnv(sim, n, 40);
    const singles = Array.from({ length: n }, (_, i) => new MujocoEnv(sim, 40 + i));
    const vecObs0 = Array.from(vec.reset());
    const singleObs0 = singles.flatMap((e) => Array.from(e.reset()));
    expect(vecObs0).toEqual(singleObs0);

    const rng = new Rng(1);
    const returns = new Array<number>(n).fill(0);
    let finished = 0;
    for (let t = 0; t < 400; t++) {
      const actions = Float64Array.from({ length: n * actDim }, () => rng.uniform(-1, 1));
      vec.step(actions);
      singles.forEach((env, i) => {
        const r = env.step(actions.subarray(i * actDim, (i + 1) * actDim));
        returns[i] += r.reward;
        expect(vec.rewards[i]).toBe(r.reward);
        expect(vec.terminated[i]).toBe(r.terminated ? 1 : 0);
        expect(vec.truncated[i]).toBe(r.truncated ? 1 : 0);
        if (r.terminated || r.truncated) {
          finished++;
          expect(Array.from(vec.finalObs.subarray(i * obsDim, (i + 1) * obsDim))).toEqual(Array.from(env.obs));
          expect(vec.episodeReturn[i]).toBeCloseTo(returns[i], 10);
          expect(vec.episodeLength[i]).toBe(env.elapsedSteps);
          returns[i] = 0;
          env.reset();
        }
        expect(Array.from(vec.obs.subarray(i * obsDim, (i + 1) * obsDim))).toEqual(Array.from(env.obs));
      });
    }
    // Random Hopper episodes last tens of steps, so auto-reset was exercised many times.
    expect(finished).toBeGreaterThan(10);
    vec.dispose();
    singles.forEach((e) => e.dispose());
  });

  it('refuses a batch of the wrong size or with NaN, leaving every env untouched', () => {
    const vec = new VecEnv(sim, 2, 0);
    vec.reset();
    const before = Array.from(vec.obs);
    expect(() => vec.step(new Float64Array(2 * actDim - 1))).toThrow(/2 × 3 = 6 numbers/);
    const withNaN = new Float64Array(2 * actDim);
    withNaN[4] = NaN;
    expect(() => vec.step(withNaN)).toThrow(ImlabError);
    expect(() => vec.step(withNaN)).toThrow(/actions\[4\] is NaN/);
    expect(Array.from(vec.obs)).toEqual(before);
    expect(vec.envs.map((e) => e.elapsedSteps)).toEqual([0, 0]);
    vec.dispose();
  });

  it('rejects a non-positive number of envs', () => {
    expect(() => new VecEnv(sim, 0, 0)).toThrow(/numEnvs must be a positive integer/);
  });

  it('keeps working after WASM memory grows (cached views are refreshed)', () => {
    const vec = new VecEnv(sim, 1, 5);
    vec.reset();
    const heapBefore = vec.envs[0].views.qpos.buffer;
    // Each MjData reserves a ~14 MB arena, so 20 of them force the heap to grow.
    const extra = Array.from({ length: 20 }, () => new sim.mj.MjData(sim.model));
    expect(heapBefore.byteLength).toBe(0);
    vec.step(new Float64Array(actDim));
    expect(vec.obs.length).toBe(obsDim);
    expect(Array.from(vec.obs).every(Number.isFinite)).toBe(true);
    expect(vec.obs[0]).toBeGreaterThan(1);
    extra.forEach((d) => d.delete());
    vec.dispose();
  });
});
