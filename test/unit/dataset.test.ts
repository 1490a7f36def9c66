/**
 * Expert datasets: choosing the first k trajectories and every n-th pair (the
 * GAIL paper's subsampling), refusing data that does not fit the environment,
 * and the summary statistics shown to the user.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/main/core/math/rng';
import { checkDatasetFitsEnv, type Dataset, datasetStats, expertPairs, type Trajectory } from '../../src/main/core/data/dataset';
import { ImlabError } from '../../src/shared/errors';

const ENV = 'Hopper-v5';
const OBS = 11;
const ACT = 3;
const NQ = 6;
const NV = 6;

/** obs[s, c] = 1000·traj + 10·s + c/100 and action[s, c] = −(1000·traj + 10·s) − c: every row identifies its source. */
function trajectory(index: number, length: number, ret = length): Trajectory {
  const obs = new Float32Array(length * OBS);
  const actions = new Float32Array(length * ACT);
  for (let s = 0; s < length; s++) {
    for (let c = 0; c < OBS; c++) obs[s * OBS + c] = 1000 * index + 10 * s + c / 100;
    for (let c = 0; c < ACT; c++) actions[s * ACT + c] = -(1000 * index + 10 * s) - c;
  }
  return {
    obs,
    actions,
    rewards: new Float32Array(length).fill(ret / length),
    qpos: new Float64Array((length + 1) * NQ),
    qvel: new Float64Array((length + 1) * NV),
    return: ret,
    length,
    terminated: false,
  };
}

function dataset(lengths: number[], returns?: number[]): Dataset {
  return {
    env: ENV,
    obsDim: OBS,
    actDim: ACT,
    nq: NQ,
    nv: NV,
    source: { policy: 'test', deterministic: false },
    trajectories: lengths.map((l, i) => trajectory(i, l, returns ? returns[i] : l)),
  };
}

function thrown(f: () => unknown): ImlabError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ImlabError);
    return e as ImlabError;
  }
  throw new Error('expected an ImlabError');
}

/** A randomInt that draws from a seeded Rng and records each (n, offset). */
function recordingRandomInt(seed: number) {
  const rng = new Rng(seed);
  const calls: { n: number; offset: number }[] = [];
  const f = (n: number) => {
    const offset = rng.int(n);
    calls.push({ n, offset });
    return offset;
  };
  return { f, calls };
}

function expectRowEquals(pairs: ReturnType<typeof expertPairs>, row: number, t: Trajectory, step: number): void {
  expect(Array.from(pairs.obs.subarray(row * OBS, (row + 1) * OBS))).toEqual(Array.from(t.obs.subarray(step * OBS, (step + 1) * OBS)));
  expect(Array.from(pairs.actions.subarray(row * ACT, (row + 1) * ACT))).toEqual(Array.from(t.actions.subarray(step * ACT, (step + 1) * ACT)));
}

describe('expertPairs', () => {
  it('with n = 1 keeps every pair of the first k trajectories, in order', () => {
    const d = dataset([5, 7, 4, 6]);
    const p = expertPairs(d, 3, 1, () => {
      throw new Error('no offset is drawn for n = 1');
    });
    expect(p.count).toBe(5 + 7 + 4);
    expect(p.obs.length).toBe(p.count * OBS);
    expect(p.actions.length).toBe(p.count * ACT);
    let row = 0;
    for (let t = 0; t < 3; t++) for (let s = 0; s < d.trajectories[t].length; s++) expectRowEquals(p, row++, d.trajectories[t], s);
  });

  it('takes only the first k trajectories (nothing from trajectory k or later)', () => {
    const d = dataset([5, 7, 4, 6]);
    const p = expertPairs(d, 2, 1, () => 0);
    expect(p.count).toBe(12);
    for (let r = 0; r < p.count; r++) expect(p.obs[r * OBS]).toBeLessThan(2000);
  });

  for (const n of [2, 3, 20]) {
    it(`with n = ${n} keeps each trajectory's pairs offset + m·n for an offset in [0, n), with the right count`, () => {
      const lengths = [45, 61, 50, 33, 70];
      const d = dataset(lengths);
      const { f, calls } = recordingRandomInt(n);
      const k = 4;
      const p = expertPairs(d, k, n, f);
      expect(calls.length).toBe(k);
      let row = 0;
      for (let t = 0; t < k; t++) {
        const { n: drawnFrom, offset } = calls[t];
        expect(drawnFrom).toBe(Math.min(n, lengths[t]));
        expect(offset).toBeGreaterThanOrEqual(0);
        expect(offset).toBeLessThan(n);
        const kept = Math.ceil((lengths[t] - offset) / n);
        for (let m = 0; m < kept; m++) expectRowEquals(p, row++, d.trajectories[t], offset + m * n);
      }
      expect(p.count).toBe(row);
      expect(p.obs.length).toBe(row * OBS);
      expect(p.actions.length).toBe(row * ACT);
    });
  }

  it('uses the largest offset n − 1 when the draw gives it (e.g. n = 20, length 45 → steps 19, 39)', () => {
    const d = dataset([45]);
    const p = expertPairs(d, 1, 20, (m) => m - 1);
    expect(p.count).toBe(2);
    expectRowEquals(p, 0, d.trajectories[0], 19);
    expectRowEquals(p, 1, d.trajectories[0], 39);
  });

  it('still keeps one pair of a trajectory shorter than n (offset drawn within its length)', () => {
    const d = dataset([5, 30]);
    const { f, calls } = recordingRandomInt(1);
    const p = expertPairs(d, 2, 20, f);
    expect(calls[0].n).toBe(5);
    expect(p.count).toBe(1 + Math.ceil((30 - calls[1].offset) / 20));
    expectRowEquals(p, 0, d.trajectories[0], calls[0].offset);
  });

  it('draws a separate offset per trajectory, so different draws select different rows', () => {
    const d = dataset([40, 40]);
    const a = expertPairs(d, 2, 4, () => 0);
    const b = expertPairs(d, 2, 4, () => 3);
    expect(a.count).toBe(20);
    expect(b.count).toBe(20);
    expect(a.obs[0]).toBe(0);
    expect(b.obs[0]).toBe(30);
  });

  it("k larger than the dataset → ImlabError on field 'trajectories' naming k and the dataset size", () => {
    const d = dataset([5, 7, 4]);
    const e = thrown(() => expertPairs(d, 4, 1, () => 0));
    expect(e.field).toBe('trajectories');
    expect(e.message).toContain('trajectories');
    expect(e.message).toMatch(/\b4\b/);
    expect(e.message).toMatch(/\b3\b/);
    // k equal to the dataset size is fine.
    expect(expertPairs(d, 3, 1, () => 0).count).toBe(16);
  });
});

describe('checkDatasetFitsEnv', () => {
  it('accepts a dataset recorded on the environment with matching sizes', () => {
    expect(() => checkDatasetFitsEnv(dataset([5, 6]), ENV)).not.toThrow();
  });

  it('refuses a dataset recorded on another environment, naming both', () => {
    const e = thrown(() => checkDatasetFitsEnv(dataset([5]), 'Walker2d-v5'));
    expect(e.field).toBe('dataset');
    expect(e.message).toContain('Hopper-v5');
    expect(e.message).toContain('Walker2d-v5');
  });

  it('refuses a wrong observation size; the message names obs and both sizes', () => {
    const d = { ...dataset([5]), obsDim: 17 };
    const e = thrown(() => checkDatasetFitsEnv(d, ENV));
    expect(e.field).toBe('dataset');
    expect(e.message).toContain('obs');
    expect(e.message).toMatch(/\b17\b/);
    expect(e.message).toMatch(/\b11\b/);
  });

  it('refuses a wrong action size; the message names actions and both sizes', () => {
    const d = { ...dataset([5]), actDim: 6 };
    const e = thrown(() => checkDatasetFitsEnv(d, ENV));
    expect(e.field).toBe('dataset');
    expect(e.message).toContain('action');
    expect(e.message).toMatch(/\b6\b/);
    expect(e.message).toMatch(/\b3\b/);
  });

  it('refuses a trajectory whose obs or action arrays do not match its length, naming the trajectory', () => {
    const d = dataset([5, 6, 7]);
    d.trajectories[1] = { ...d.trajectories[1], obs: new Float32Array(5 * OBS) };
    const e = thrown(() => checkDatasetFitsEnv(d, ENV));
    expect(e.message).toContain('trajectory 1');
    const d2 = dataset([5, 6, 7]);
    d2.trajectories[2] = { ...d2.trajectories[2], actions: new Float32Array(7 * ACT + 1) };
    expect(thrown(() => checkDatasetFitsEnv(d2, ENV)).message).toContain('trajectory 2');
  });

  it('uses the given field name in the error', () => {
    const e = thrown(() => checkDatasetFitsEnv(dataset([5]), 'Ant-v5', 'gail.dataset'));
    expect(e.field).toBe('gail.dataset');
    expect(e.message).toContain('gail.dataset');
  });
});

describe('datasetStats', () => {
  it('reports trajectories, total steps, mean/std (population) of the returns and mean length', () => {
    const s = datasetStats(dataset([10, 20, 30], [100, 200, 330]));
    expect(s.trajectories).toBe(3);
    expect(s.steps).toBe(60);
    expect(s.meanLength).toBe(20);
    expect(s.meanReturn).toBeCloseTo(210, 12);
    expect(s.stdReturn).toBeCloseTo(Math.sqrt((110 ** 2 + 10 ** 2 + 120 ** 2) / 3), 10);
  });

  it('is all zeros (not NaN) for an empty dataset', () => {
    expect(datasetStats(dataset([]))).toEqual({ trajectories: 0, steps: 0, meanReturn: 0, stdReturn: 0, meanLength: 0 });
  });
});
