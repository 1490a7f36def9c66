/**
 * Expert data in the baselines .npz layout: files written by NumPy in every
 * accepted form (scripts/gen_npz_fixtures.py), export → import round trips, and
 * refusals whose messages name the array, its shape and what was expected.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkDatasetFitsEnv, type Dataset, type Trajectory } from '../../src/main/core/data/dataset';
import type { NumericArray } from '../../src/main/core/data/numpyArray';
import { readNpz, writeNpz } from '../../src/main/core/data/npz';
import { exportDatasetNpz, importDatasetNpz } from '../../src/main/core/data/npzDataset';
import { ImlabError } from '../../src/shared/errors';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/npz/${name}`, import.meta.url));

// The generator's formulas (episode i, step s, column c), exact in float32.
const obsValue = (i: number, s: number, c: number): number => 100 * i + s + c / 8;
const acsValue = (i: number, s: number, c: number): number => -(10 * i + s / 4 + c / 16);
const rewValue = (i: number, s: number): number => 1 + s / 2 + i / 4;

function grid(length: number, width: number, f: (s: number, c: number) => number): number[] {
  return Array.from({ length: length * width }, (_, k) => f(Math.floor(k / width), k % width));
}

/** Checks an imported dataset against the generator's formulas (rewards and returns unless told otherwise). */
function expectEpisodes(d: Dataset, lengths: number[], check: 'all' | 'steps' = 'all'): void {
  expect(d.trajectories.map((t) => t.length)).toEqual(lengths);
  d.trajectories.forEach((t, i) => {
    const n = lengths[i];
    expect(Array.from(t.obs)).toEqual(grid(n, d.obsDim, (s, c) => obsValue(i, s, c)));
    expect(Array.from(t.actions)).toEqual(grid(n, d.actDim, (s, c) => acsValue(i, s, c)));
    if (check === 'all') {
      expect(Array.from(t.rewards)).toEqual(grid(n, 1, (s) => rewValue(i, s)));
      expect(t.return).toBe(grid(n, 1, (s) => rewValue(i, s)).reduce((a, b) => a + b, 0));
    }
  });
}

/** The ImlabError a call throws, checked to be an input error on the file. */
function inputError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ImlabError);
    expect((e as ImlabError).code).toBe('invalid_input');
    expect((e as ImlabError).field).toBe('file');
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const f8 = (shape: number[], values: number[] | ((k: number) => number)): NumericArray => ({
  dtype: 'f8',
  shape,
  data: Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, k) => (typeof values === 'function' ? values(k) : values[k])),
});
const i8 = (values: number[]): NumericArray => ({ dtype: 'i8', shape: [values.length], data: BigInt64Array.from(values, (v) => BigInt(v)) });

/** A pendulum file (obs 4, act 1) from the given arrays, with sensible defaults. */
function pendulum(arrays: Record<string, NumericArray | undefined>): Buffer {
  const base: Record<string, NumericArray | undefined> = {
    obs: f8([2, 3, 4], (k) => k),
    acs: f8([2, 3, 1], (k) => -k),
    ep_rets: f8([2], [3, 4]),
    ...arrays,
  };
  return writeNpz(Object.fromEntries(Object.entries(base).filter((e): e is [string, NumericArray] => e[1] !== undefined)));
}

describe('importing files written by NumPy', () => {
  it('reads equal-length episodes with ep_rets and rews', () => {
    const d = importDatasetNpz(fixture('pendulum_equal.npz'), 'InvertedPendulum-v5', 'expert.npz');
    expect(d).toMatchObject({ env: 'InvertedPendulum-v5', obsDim: 4, actDim: 1, nq: 0, nv: 0, source: { format: 'npz', returns: 'ep_rets', file: 'expert.npz' } });
    expectEpisodes(d, [5, 5, 5]);
    for (const t of d.trajectories) {
      expect(t.qpos).toEqual(new Float64Array(0));
      expect(t.qvel).toEqual(new Float64Array(0));
      // Shorter than the 1000-step limit in an environment that can terminate.
      expect(t.terminated).toBe(true);
    }
    expect(() => checkDatasetFitsEnv(d, 'InvertedPendulum-v5')).not.toThrow();
  });

  it('accepts rets (baselines sampler) instead of ep_rets, with zero rewards when rews is absent', () => {
    const d = importDatasetNpz(fixture('pendulum_rets.npz'), 'InvertedPendulum-v5');
    expectEpisodes(d, [4, 4], 'steps');
    expect(d.trajectories.map((t) => t.return)).toEqual([7.5, -2.25]);
    expect(d.trajectories.map((t) => Array.from(t.rewards))).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(d.source).toEqual({ format: 'npz', returns: 'rets' });
  });

  it('reads np.savez_compressed and Fortran-ordered arrays', () => {
    expectEpisodes(importDatasetNpz(fixture('pendulum_compressed.npz'), 'InvertedPendulum-v5'), [5, 5, 5]);
    expectEpisodes(importDatasetNpz(fixture('pendulum_fortran.npz'), 'InvertedPendulum-v5'), [3, 3]);
  });

  it('strips padding given by ep_lens, in either byte order', () => {
    expectEpisodes(importDatasetNpz(fixture('hopper_padded.npz'), 'Hopper-v5'), [6, 4, 2]);
    expectEpisodes(importDatasetNpz(fixture('hopper_big_endian.npz'), 'Hopper-v5'), [6, 4, 2]);
  });

  it('reads ragged episodes saved as object arrays, without executing the pickle', () => {
    expectEpisodes(importDatasetNpz(fixture('hopper_ragged.npz'), 'Hopper-v5'), [5, 3, 4]);
  });

  it('splits (total_steps, d) arrays by ep_lens', () => {
    expectEpisodes(importDatasetNpz(fixture('hopper_flat.npz'), 'Hopper-v5'), [3, 5]);
  });
});

describe('refusing files that do not fit', () => {
  it('names the array, its shape and the expected width', () => {
    expect(inputError(() => importDatasetNpz(fixture('hopper_wrong_obs_dim.npz'), 'Hopper-v5'))).toBe(
      'obs has shape (2, 4, 17) but Hopper-v5 observations have 11 columns.',
    );
    expect(inputError(() => importDatasetNpz(fixture('pendulum_equal.npz'), 'Hopper-v5'))).toBe('obs has shape (3, 5, 4) but Hopper-v5 observations have 11 columns.');
    expect(inputError(() => importDatasetNpz(pendulum({ acs: f8([2, 3, 2], () => 0) }), 'InvertedPendulum-v5'))).toBe(
      'acs has shape (2, 3, 2) but InvertedPendulum-v5 actions have 1 columns.',
    );
  });

  it('names the episode of a ragged array that does not fit', () => {
    expect(inputError(() => importDatasetNpz(fixture('hopper_ragged.npz'), 'Walker2d-v5'))).toBe('obs[0] has shape (5, 11) but Walker2d-v5 observations have 17 columns.');
  });

  it('reports the first non-finite value with its position', () => {
    expect(inputError(() => importDatasetNpz(fixture('hopper_nan.npz'), 'Hopper-v5'))).toBe(
      'obs has the value NaN at episode 1, step 2, column 3; values must be finite.',
    );
    expect(inputError(() => importDatasetNpz(pendulum({ acs: f8([2, 3, 1], (k) => (k === 4 ? 1e300 : 0)) }), 'InvertedPendulum-v5'))).toBe(
      'acs has the value 1e+300 at episode 1, step 1; values must be finite and within float32 range.',
    );
    expect(inputError(() => importDatasetNpz(pendulum({ ep_rets: f8([2], [1, Infinity]) }), 'InvertedPendulum-v5'))).toBe(
      'ep_rets[1] is Infinity; returns must be finite.',
    );
  });

  it('ignores non-finite padding after ep_lens', () => {
    const obs = f8([2, 3, 4], (k) => (k >= 20 ? NaN : k));
    const d = importDatasetNpz(pendulum({ obs, ep_lens: i8([3, 2]) }), 'InvertedPendulum-v5');
    expect(d.trajectories.map((t) => t.length)).toEqual([3, 2]);
  });

  it('refuses unsafe object arrays, telling the user what to save instead', () => {
    expect(inputError(() => importDatasetNpz(fixture('hopper_unsafe_object.npz'), 'Hopper-v5'))).toMatch(
      /^obs is an object array \(a Python pickle\) that cannot be read safely: .* save a padded numeric array/,
    );
  });

  it('refuses truncated, corrupt and non-.npz files', () => {
    expect(inputError(() => importDatasetNpz(fixture('truncated.npz'), 'InvertedPendulum-v5'))).toMatch(/truncated or corrupt/);
    expect(inputError(() => importDatasetNpz(fixture('corrupt.npz'), 'InvertedPendulum-v5'))).toMatch(/^the \.npz archive is corrupt: member /);
    expect(inputError(() => importDatasetNpz(fixture('scalar_f8.npy'), 'InvertedPendulum-v5'))).toMatch(/single \.npy array, not an \.npz archive/);
  });

  it('names missing arrays and what the layout needs', () => {
    expect(inputError(() => importDatasetNpz(pendulum({ acs: undefined }), 'InvertedPendulum-v5'))).toBe(
      'the file has no acs array (it holds obs, ep_rets); expected obs (N, L, 4), acs (N, L, 1) and ep_rets (N,) for InvertedPendulum-v5.',
    );
    expect(inputError(() => importDatasetNpz(pendulum({ ep_rets: undefined }), 'InvertedPendulum-v5'))).toMatch(/^the file has neither ep_rets \(or rets\) nor rews/);
  });

  it('refuses episode counts that disagree between arrays', () => {
    expect(inputError(() => importDatasetNpz(pendulum({ ep_rets: f8([3], [1, 2, 3]) }), 'InvertedPendulum-v5'))).toBe(
      'obs has 2 episodes (shape (2, 3, 4)) but ep_rets has 3 (shape (3,)).',
    );
    expect(inputError(() => importDatasetNpz(pendulum({ rews: f8([3, 3], () => 1) }), 'InvertedPendulum-v5'))).toBe(
      'obs has 2 episodes (shape (2, 3, 4)) but rews has 3 (shape (3, 3)).',
    );
  });

  it('refuses ep_lens outside the stored steps', () => {
    expect(inputError(() => importDatasetNpz(pendulum({ ep_lens: i8([3, 4]) }), 'InvertedPendulum-v5'))).toBe(
      'ep_lens[1] is 4 but obs holds only 3 steps for episode 1 (shape (2, 3, 4)).',
    );
    expect(inputError(() => importDatasetNpz(pendulum({ ep_lens: i8([3, 0]) }), 'InvertedPendulum-v5'))).toBe(
      'ep_lens[1] is 0; episode lengths must be whole numbers of at least 1.',
    );
    expect(inputError(() => importDatasetNpz(pendulum({ ep_lens: f8([2], [2.5, 1]) }), 'InvertedPendulum-v5'))).toMatch(/^ep_lens\[0\] is 2.5/);
    expect(inputError(() => importDatasetNpz(pendulum({ ep_lens: f8([2, 1], [1, 1]) }), 'InvertedPendulum-v5'))).toBe(
      "ep_lens has shape (2, 1), dtype float64; expected a numeric array of shape (N,) with each episode's number of steps.",
    );
  });

  it('refuses flat arrays without ep_lens or with lengths that do not add up', () => {
    const flat = { obs: f8([5, 4], () => 1), acs: f8([5, 1], () => 0), ep_rets: f8([2], [1, 2]) };
    expect(inputError(() => importDatasetNpz(pendulum(flat), 'InvertedPendulum-v5'))).toBe(
      'obs has shape (5, 4), all steps in one array: add ep_lens (N,) with each episode\'s length to split it into episodes.',
    );
    expect(inputError(() => importDatasetNpz(pendulum({ ...flat, ep_lens: i8([2, 2]) }), 'InvertedPendulum-v5'))).toBe(
      'obs has 5 steps (shape (5, 4)) but ep_lens adds up to 4.',
    );
    expect(importDatasetNpz(pendulum({ ...flat, ep_lens: i8([2, 3]) }), 'InvertedPendulum-v5').trajectories.map((t) => t.length)).toEqual([2, 3]);
  });

  it('refuses arrays of the wrong rank, listing the accepted layouts', () => {
    expect(inputError(() => importDatasetNpz(pendulum({ obs: f8([24], (k) => k) }), 'InvertedPendulum-v5'))).toBe(
      'obs has shape (24,), dtype float64; expected (N, L, 4) for N episodes of L steps, (total_steps, 4) together with ep_lens, ' +
        'or an object array of N arrays of shape (L_i, 4).',
    );
  });

  it('describes the accepted layouts of rews in Python notation', () => {
    expect(inputError(() => importDatasetNpz(pendulum({ rews: f8([2, 3, 1], () => 1) }), 'InvertedPendulum-v5'))).toBe(
      'rews has shape (2, 3, 1), dtype float64; expected (N, L) for N episodes of L steps, (total_steps,) together with ep_lens, ' +
        'or an object array of N arrays of shape (L_i,).',
    );
  });

  it('refuses episodes whose step counts differ between arrays, unless ep_lens says how long they are', () => {
    const rews = f8([2, 2], () => 1);
    expect(inputError(() => importDatasetNpz(pendulum({ rews }), 'InvertedPendulum-v5'))).toBe(
      'episode 0 has 3 steps in obs but 2 in rews; give ep_lens if the arrays are padded differently.',
    );
    expect(importDatasetNpz(pendulum({ rews, ep_lens: i8([2, 1]) }), 'InvertedPendulum-v5').trajectories.map((t) => t.length)).toEqual([2, 1]);
  });

  it('refuses a file without episodes', () => {
    const empty = { obs: f8([0, 3, 4], []), acs: f8([0, 3, 1], []), ep_rets: f8([0], []) };
    expect(inputError(() => importDatasetNpz(pendulum(empty), 'InvertedPendulum-v5'))).toBe('obs holds no episodes (shape (0, 3, 4)).');
  });

  it('sums rews for the returns when the file has neither ep_rets nor rets', () => {
    const d = importDatasetNpz(pendulum({ ep_rets: undefined, rews: f8([2, 3], [0.1, 0.2, 0.3, 1, 2, 3]) }), 'InvertedPendulum-v5');
    expect(d.trajectories.map((t) => t.return)).toEqual([0.1 + 0.2 + 0.3, 6]);
    expect(d.source.returns).toBe('rews');
  });
});

describe('exporting', () => {
  const OBS = 11;
  const ACT = 3;

  function trajectory(i: number, length: number): Trajectory {
    return {
      obs: Float32Array.from(grid(length, OBS, (s, c) => obsValue(i, s, c))),
      actions: Float32Array.from(grid(length, ACT, (s, c) => acsValue(i, s, c))),
      rewards: Float32Array.from(grid(length, 1, (s) => rewValue(i, s))),
      qpos: new Float64Array((length + 1) * 6).fill(0.5),
      qvel: new Float64Array((length + 1) * 6).fill(-0.5),
      return: grid(length, 1, (s) => rewValue(i, s)).reduce((a, b) => a + b, 0) + 1e-9,
      length,
      terminated: i === 0,
    };
  }

  const dataset: Dataset = {
    env: 'Hopper-v5',
    obsDim: OBS,
    actDim: ACT,
    nq: 6,
    nv: 6,
    source: { policy: 'expert' },
    trajectories: [trajectory(0, 3), trajectory(1, 7), trajectory(2, 5)],
  };

  it('writes the baselines layout padded with zeros, with float64 returns and int64 lengths', () => {
    const arrays = readNpz(exportDatasetNpz(dataset));
    expect([...arrays].map(([k, a]) => [k, a.dtype, a.shape])).toEqual([
      ['obs', 'f4', [3, 7, OBS]],
      ['acs', 'f4', [3, 7, ACT]],
      ['rews', 'f4', [3, 7]],
      ['ep_rets', 'f8', [3]],
      ['ep_lens', 'i8', [3]],
    ]);
    const obs = arrays.get('obs') as NumericArray;
    // Episode 0 has 3 steps: rows 3–6 are padding.
    expect(Array.from(obs.data.subarray(3 * OBS, 7 * OBS) as Float32Array).every((x) => x === 0)).toBe(true);
    expect((arrays.get('ep_lens') as NumericArray).data).toEqual(BigInt64Array.of(3n, 7n, 5n));
    expect(Array.from((arrays.get('ep_rets') as NumericArray).data as Float64Array)).toEqual(dataset.trajectories.map((t) => t.return));
  });

  it('imports back what it exported, without the simulator state', () => {
    const d = importDatasetNpz(exportDatasetNpz(dataset), 'Hopper-v5', 'hopper.npz');
    expectEpisodes(d, [3, 7, 5], 'steps');
    expect(d.trajectories.map((t) => Array.from(t.rewards))).toEqual(dataset.trajectories.map((t) => Array.from(t.rewards)));
    // The returns come from ep_rets, not from re-summing the float32 rewards.
    expect(d.trajectories.map((t) => t.return)).toEqual(dataset.trajectories.map((t) => t.return));
    expect(d).toMatchObject({ nq: 0, nv: 0, source: { format: 'npz', returns: 'ep_rets', file: 'hopper.npz' } });
  });
});
