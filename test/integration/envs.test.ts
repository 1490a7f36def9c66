/**
 * Environment semantics checked from first principles: sizes, reward terms
 * recomputed from the MuJoCo state, each termination condition, seeding,
 * reset noise, the 1000-step time limit, model facts and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV_IDS, ENV_SPECS, type EnvId } from '../../src/shared/envCatalog';
import { ImlabError } from '../../src/shared/errors';
import { Rng } from '../../src/main/core/math/rng';
import { MujocoEnv } from '../../src/main/core/sim/mujocoEnv';
import { SimModel } from '../../src/main/core/sim/simModel';

const models = new Map<EnvId, SimModel>();
beforeAll(async () => {
  for (const id of ENV_IDS) models.set(id, await SimModel.load(id));
});
afterAll(() => models.forEach((m) => m.dispose()));

function makeEnv(id: EnvId, seed = 0): MujocoEnv {
  return new MujocoEnv(models.get(id)!, seed);
}

function randomAction(id: EnvId, rng: Rng): number[] {
  const s = ENV_SPECS[id];
  return s.actLow.map((lo, i) => rng.uniform(lo, s.actHigh[i]));
}

const sumSq = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, x) => a + x * x, 0);
const clip = (x: number, b: number) => Math.max(-b, Math.min(b, x));

// Model facts of Gymnasium's reference models (from scripts/verify_models.py).
const MODEL_FACTS: Record<EnvId, { nq: number; nv: number; nu: number; nbody: number; totalMass: number }> = {
  'InvertedPendulum-v5': { nq: 2, nv: 2, nu: 1, nbody: 3, totalMass: 15.490567153329286 },
  'Hopper-v5': { nq: 6, nv: 6, nu: 3, nbody: 5, totalMass: 15.820013405927003 },
  'Walker2d-v5': { nq: 9, nv: 9, nu: 6, nbody: 8, totalMass: 23.67713663255508 },
  'HalfCheetah-v5': { nq: 9, nv: 9, nu: 6, nbody: 8, totalMass: 14.000000000000002 },
  'Ant-v5': { nq: 15, nv: 14, nu: 8, nbody: 14, totalMass: 0.9108800827073915 },
  'Humanoid-v5': { nq: 24, nv: 23, nu: 17, nbody: 14, totalMass: 42.11603049212989 },
  'HumanoidStandup-v5': { nq: 24, nv: 23, nu: 17, nbody: 14, totalMass: 42.11603049212989 },
};

describe.each(ENV_IDS)('%s', (id) => {
  const spec = ENV_SPECS[id];

  it('has the reference model facts', () => {
    const m = models.get(id)!;
    expect({ nq: m.nq, nv: m.nv, nu: m.nu, nbody: m.nbody, totalMass: m.constants.totalMass }).toEqual(MODEL_FACTS[id]);
  });

  it('observes obsDim numbers and takes actDim actions', () => {
    const env = makeEnv(id);
    expect(env.reset(1)).toHaveLength(spec.obsDim);
    env.step(new Array(spec.actDim).fill(0));
    expect(env.obs).toHaveLength(spec.obsDim);
    expect(Array.from(env.obs).every(Number.isFinite)).toBe(true);
    env.dispose();
  });

  it('returns the sum of its reward terms, each recomputed from the MuJoCo state', () => {
    const env = makeEnv(id, 7);
    const rng = new Rng(11);
    const m = models.get(id)!;
    const v = env.views;
    const massCenterX = () => {
      let num = 0;
      for (let b = 0; b < m.nbody; b++) num += m.constants.bodyMass[b] * v.xipos[3 * b];
      return num / MODEL_FACTS[id].totalMass;
    };
    env.reset();
    let checked = 0;
    for (let t = 0; t < 60; t++) {
      const action = randomAction(id, rng).map((a) => a * 1.2);
      const x0 = v.qpos[0];
      const torso0 = v.xpos[3];
      const com0 = massCenterX();
      const r = env.step(action);
      const healthy = !r.terminated;
      const terms = env.termsByName();
      const dt = spec.dt;
      let expected: Record<string, number>;
      switch (id) {
        case 'InvertedPendulum-v5':
          expected = { reward_survive: r.terminated ? 0 : 1 };
          break;
        case 'Hopper-v5':
        case 'Walker2d-v5':
          expected = { reward_forward: (v.qpos[0] - x0) / dt, reward_ctrl: -1e-3 * sumSq(action), reward_survive: healthy ? 1 : 0 };
          break;
        case 'HalfCheetah-v5':
          expected = { reward_forward: (v.qpos[0] - x0) / dt, reward_ctrl: -0.1 * sumSq(action) };
          break;
        case 'Ant-v5':
          expected = {
            reward_forward: (v.xpos[3] - torso0) / dt,
            reward_ctrl: -0.5 * sumSq(action),
            reward_contact: -5e-4 * sumSq(Array.from(v.cfrcExt, (f) => clip(f, 1))),
            reward_survive: healthy ? 1 : 0,
          };
          break;
        case 'Humanoid-v5':
          expected = {
            reward_survive: healthy ? 5 : 0,
            reward_forward: (1.25 * (massCenterX() - com0)) / dt,
            reward_ctrl: -0.1 * sumSq(action.map((a) => a)),
            reward_contact: -Math.min(5e-7 * sumSq(v.cfrcExt), 10),
          };
          break;
        case 'HumanoidStandup-v5':
          expected = {
            reward_linup: v.qpos[2] / 0.003,
            reward_quadctrl: -0.1 * sumSq(action),
            reward_impact: -Math.min(0.5e-6 * sumSq(v.cfrcExt), 10),
          };
          break;
      }
      expect(Object.keys(terms)).toEqual(spec.rewardTerms);
      for (const [k, want] of Object.entries(expected)) expect(terms[k]).toBeCloseTo(want, 9);
      const total = Object.values(expected).reduce((a, b) => a + b, 0) + (id === 'HumanoidStandup-v5' ? 1 : 0);
      expect(r.reward).toBeCloseTo(total, 9);
      checked++;
      if (r.terminated) env.reset();
    }
    expect(checked).toBe(60);
    env.dispose();
  });

  it('repeats a trajectory exactly for the same seed and differs for another seed', () => {
    const run = (seed: number) => {
      const env = makeEnv(id);
      const rng = new Rng(99);
      const out: number[] = [...env.reset(seed)];
      for (let t = 0; t < 30; t++) {
        const r = env.step(randomAction(id, rng));
        out.push(r.reward, ...env.obs);
        if (r.terminated) out.push(...env.reset());
      }
      env.dispose();
      return out;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('adds reset noise of the documented scale around the initial state', () => {
    const env = makeEnv(id);
    const m = models.get(id)!;
    const s = spec.resetNoiseScale;
    let maxQpos = 0;
    let maxQvel = 0;
    for (let k = 0; k < 100; k++) {
      env.reset(k);
      for (let i = 0; i < m.nq; i++) maxQpos = Math.max(maxQpos, Math.abs(env.views.qpos[i] - m.initQpos[i]));
      for (let i = 0; i < m.nv; i++) maxQvel = Math.max(maxQvel, Math.abs(env.views.qvel[i]));
    }
    expect(maxQpos).toBeLessThanOrEqual(s);
    expect(maxQpos).toBeGreaterThan(0.9 * s);
    if (id === 'HalfCheetah-v5' || id === 'Ant-v5') expect(maxQvel).toBeGreaterThan(2 * s);
    else expect(maxQvel).toBeLessThanOrEqual(s);
    env.dispose();
  });

  it('refuses bad actions with a clear error and leaves the state untouched', () => {
    const env = makeEnv(id);
    env.reset(3);
    const qpos = Array.from(env.views.qpos);
    const obs = Array.from(env.obs);
    const bad = [new Array(spec.actDim + 1).fill(0), [...new Array(spec.actDim - 1).fill(0), NaN], [...new Array(spec.actDim - 1).fill(0), Infinity]];
    for (const action of bad) {
      let err: unknown;
      try {
        env.step(action);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ImlabError);
      expect((err as ImlabError).code).toBe('invalid_action');
      expect((err as ImlabError).field).toBe('action');
    }
    expect(Array.from(env.views.qpos)).toEqual(qpos);
    expect(Array.from(env.obs)).toEqual(obs);
    expect(env.elapsedSteps).toBe(0);
    env.dispose();
  });
});

describe('termination', () => {
  /** One zero-action step from init_qpos with some coordinates overridden. */
  function stepFrom(id: EnvId, qposPatch: Record<number, number>, qvelPatch: Record<number, number> = {}) {
    const env = makeEnv(id);
    const m = models.get(id)!;
    const qpos = Array.from(m.initQpos);
    const qvel = new Array<number>(m.nv).fill(0);
    for (const [i, x] of Object.entries(qposPatch)) qpos[Number(i)] = x;
    for (const [i, x] of Object.entries(qvelPatch)) qvel[Number(i)] = x;
    env.resetTo(qpos, qvel);
    const r = { ...env.step(new Array(ENV_SPECS[id].actDim).fill(0)) };
    env.dispose();
    return r;
  }

  it.each([
    ['InvertedPendulum-v5', 'pole angle beyond 0.2', true, { 1: 0.3 }, {}],
    ['InvertedPendulum-v5', 'pole angle within 0.2', false, { 1: 0.1 }, {}],
    ['Hopper-v5', 'torso height below 0.7', true, { 1: 0.5 }, {}],
    ['Hopper-v5', 'torso angle beyond 0.2', true, { 2: 0.5 }, {}],
    ['Hopper-v5', 'a joint velocity beyond 100', true, {}, { 3: 150 }],
    ['Hopper-v5', 'initial state', false, {}, {}],
    ['Walker2d-v5', 'torso height below 0.8', true, { 1: 0.5 }, {}],
    ['Walker2d-v5', 'torso height above 2.0', true, { 1: 2.5 }, {}],
    ['Walker2d-v5', 'torso angle beyond 1', true, { 2: 1.5 }, {}],
    ['Walker2d-v5', 'initial state', false, {}, {}],
    // The torso (radius 0.25) cannot rest below 0.2; only a state deep under the floor ends a step there.
    ['Ant-v5', 'torso height below 0.2', true, { 2: -3 }, {}],
    ['Ant-v5', 'torso height above 1.0', true, { 2: 1.5 }, {}],
    ['Ant-v5', 'initial state', false, {}, {}],
    ['Humanoid-v5', 'torso height below 1.0', true, { 2: 0.5 }, {}],
    ['Humanoid-v5', 'torso height above 2.0', true, { 2: 2.5 }, {}],
    ['Humanoid-v5', 'initial state', false, {}, {}],
    ['HalfCheetah-v5', 'flipped over (never terminates)', false, { 1: 2, 2: 3 }, {}],
    ['HumanoidStandup-v5', 'lifted high (never terminates)', false, { 2: 3 }, {}],
  ] as const)('%s: %s → terminated=%s', (id, _what, expected, qpos, qvel) => {
    const r = stepFrom(id, qpos, qvel);
    expect(r.terminated).toBe(expected);
    if (expected) expect(r.truncated).toBe(false);
  });

  it('gives InvertedPendulum reward 0 on its terminal step and 1 otherwise', () => {
    expect(stepFrom('InvertedPendulum-v5', { 1: 0.3 }).reward).toBe(0);
    expect(stepFrom('InvertedPendulum-v5', { 1: 0.1 }).reward).toBe(1);
  });
});

describe('time limit', () => {
  it.each(['HalfCheetah-v5', 'HumanoidStandup-v5'] as const)('%s truncates at step 1000, not before, without terminating', (id) => {
    const env = makeEnv(id);
    env.reset(0);
    const zero = new Array(ENV_SPECS[id].actDim).fill(0);
    for (let t = 1; t < 1000; t++) {
      const r = env.step(zero);
      expect(r.truncated || r.terminated).toBe(false);
    }
    const last = env.step(zero);
    expect(last.truncated).toBe(true);
    expect(last.terminated).toBe(false);
    expect(env.elapsedSteps).toBe(1000);
    env.reset();
    expect(env.elapsedSteps).toBe(0);
    env.dispose();
  });
});

describe('unknown environment', () => {
  it('is refused with the list of valid ids', async () => {
    await expect(SimModel.load('Hopper-v4')).rejects.toThrow(/Unknown environment "Hopper-v4".*Hopper-v5.*Humanoid-v5/);
    await expect(SimModel.load('Hopper-v4')).rejects.toMatchObject({ code: 'unknown_env', field: 'env' });
  });
});
