/**
 * Expert data in the .npz "baselines layout" (docs/architecture.md, "Exports and
 * imports"), so datasets move between this app and Python tools.
 *
 * Export writes obs (N, L, obs_dim) float32, acs (N, L, act_dim) float32,
 * rews (N, L) float32, ep_rets (N,) float64 and ep_lens (N,) int64, padded
 * with zeros to the longest episode L. float32 is what the app stores, so
 * float64 would add bytes and no information; ep_rets stays float64 because
 * returns are float64 sums; ep_lens lets readers strip the padding.
 *
 * Import accepts, for obs and acs (and rews, one value per step):
 *  - numeric (N, L, d) arrays (rews (N, L)): every episode has L steps, unless
 *    ep_lens (N,) gives each length (≤ L). Trailing all-zero rows are NOT
 *    treated as padding: without ep_lens they are data;
 *  - object arrays (N,) of per-episode numeric (L_i, d) arrays (rews (L_i,)),
 *    as NumPy writes ragged episodes; read without executing the pickle;
 *  - numeric (total_steps, d) arrays (rews (total_steps,)) split by ep_lens.
 * Any numeric dtype and byte order, C or Fortran order; the arrays may mix
 * these forms. With ep_lens (N,) of whole numbers ≥ 1, each episode keeps its
 * first ep_lens[i] steps of every array; without it, every array must hold the
 * same number of steps per episode. Values must be finite (and within float32
 * range) up to each episode's length; what lies beyond is ignored.
 * Returns come from ep_rets, else rets (baselines' sampler), else the sum of
 * rews; rewards are zero when rews is absent. Other keys are ignored.
 *
 * The layout has no simulator state, so imported datasets have nq = nv = 0 and
 * empty qpos/qvel: they train BC and GAIL but cannot be replayed in 3D. It has
 * no termination flag either: an episode shorter than the environment's time
 * limit is taken as terminated when the environment can terminate.
 */
import { ImlabError } from '../../../shared/errors';
import { envSpec } from '../../../shared/envCatalog';
import { sum } from '../math/numpySum';
import type { Dataset, Trajectory } from './dataset';
import { readNpy } from './npy';
import { describeArray, formatShape, NpyError, numericValues, type NpyArray, type NumericArray } from './numpyArray';
import { readNpzMembers, writeNpz } from './npz';

const FIELD = 'file';

function invalid(message: string): ImlabError {
  return new ImlabError('invalid_input', message, FIELD);
}

/** Runs a reader, turning format errors into input errors on the file field. */
function readingFile<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof NpyError) throw invalid(e.message);
    throw e;
  }
}

export function exportDatasetNpz(d: Dataset): Buffer {
  const n = d.trajectories.length;
  const width = Math.max(0, ...d.trajectories.map((t) => t.length));
  const obs = new Float32Array(n * width * d.obsDim);
  const acs = new Float32Array(n * width * d.actDim);
  const rews = new Float32Array(n * width);
  d.trajectories.forEach((t, i) => {
    obs.set(t.obs, i * width * d.obsDim);
    acs.set(t.actions, i * width * d.actDim);
    rews.set(t.rewards, i * width);
  });
  const arrays: Record<string, NumericArray> = {
    obs: { dtype: 'f4', shape: [n, width, d.obsDim], data: obs },
    acs: { dtype: 'f4', shape: [n, width, d.actDim], data: acs },
    rews: { dtype: 'f4', shape: [n, width], data: rews },
    ep_rets: { dtype: 'f8', shape: [n], data: Float64Array.from(d.trajectories, (t) => t.return) },
    ep_lens: { dtype: 'i8', shape: [n], data: BigInt64Array.from(d.trajectories, (t) => BigInt(t.length)) },
  };
  return writeNpz(arrays, { compress: true });
}

/** One per-step array seen episode by episode, whatever its layout. */
interface Episodes {
  name: string;
  shape: number[];
  count: number;
  /** Steps stored for episode i (padding included). */
  rows(i: number): number;
  /** The values holding episode i, and where its first step starts. */
  at(i: number): { values: ArrayLike<number>; offset: number };
}

/**
 * Views `a` as episodes of rows of `columns` values (columns null: one value
 * per step, as rews). `expected` completes "… but <expected>" in messages.
 */
function episodes(a: NpyArray, name: string, columns: number | null, expected: string, lens: number[] | null): Episodes {
  const inner = columns === null ? [] : [columns];
  const sameInner = (shape: number[], from: number): boolean => shape.length === from + inner.length && inner.every((d, k) => shape[from + k] === d);
  /** A shape in Python's notation, e.g. "(L_i, 11)" or "(total_steps,)". */
  const layout = (...lead: string[]): string => formatShape([...lead, ...inner]);
  const wrong = (): ImlabError => {
    const rank = inner.length + 2;
    if ((a.shape.length === rank || a.shape.length === rank - 1) && a.dtype !== 'O') {
      return invalid(`${name} has shape ${formatShape(a.shape)} but ${expected}.`);
    }
    return invalid(
      `${name} has ${describeArray(a)}; expected ${layout('N', 'L')} for N episodes of L steps, ${layout('total_steps')} together with ep_lens, ` +
        `or an object array of N arrays of shape ${layout('L_i')}.`,
    );
  };

  if (a.dtype === 'O') {
    if (a.shape.length !== 1) throw wrong();
    a.items.forEach((item, i) => {
      if (item.shape.length !== inner.length + 1) throw invalid(`${name}[${i}] has ${describeArray(item)}; expected ${layout(`L_${i}`)}.`);
      if (!sameInner(item.shape, 1)) throw invalid(`${name}[${i}] has shape ${formatShape(item.shape)} but ${expected}.`);
    });
    const values = a.items.map(numericValues);
    return { name, shape: a.shape, count: a.items.length, rows: (i) => a.items[i].shape[0], at: (i) => ({ values: values[i], offset: 0 }) };
  }
  const values = numericValues(a);
  const stepSize = inner.reduce((x, y) => x * y, 1);
  if (a.shape.length === inner.length + 2) {
    if (!sameInner(a.shape, 2)) throw wrong();
    const [count, width] = a.shape;
    return { name, shape: a.shape, count, rows: () => width, at: (i) => ({ values, offset: i * width * stepSize }) };
  }
  if (a.shape.length === inner.length + 1) {
    if (!sameInner(a.shape, 1)) throw wrong();
    if (!lens) throw invalid(`${name} has shape ${formatShape(a.shape)}, all steps in one array: add ep_lens (N,) with each episode's length to split it into episodes.`);
    const total = lens.reduce((x, y) => x + y, 0);
    if (total !== a.shape[0]) throw invalid(`${name} has ${a.shape[0]} steps (shape ${formatShape(a.shape)}) but ep_lens adds up to ${total}.`);
    let next = 0;
    const starts = lens.map((n) => (next += n) - n);
    return { name, shape: a.shape, count: lens.length, rows: (i) => lens[i], at: (i) => ({ values, offset: starts[i] * stepSize }) };
  }
  throw wrong();
}

/** A numeric (N,) array's values. */
function vector(a: NpyArray, name: string, meaning: string): ArrayLike<number> {
  if (a.dtype === 'O' || a.shape.length !== 1) throw invalid(`${name} has ${describeArray(a)}; expected a numeric array of shape (N,) with ${meaning}.`);
  return numericValues(a);
}

function episodeLengths(a: NpyArray): number[] {
  const lens = Array.from(vector(a, 'ep_lens', "each episode's number of steps"));
  lens.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 1) throw invalid(`ep_lens[${i}] is ${n}; episode lengths must be whole numbers of at least 1.`);
  });
  return lens;
}

/** Copies episode i's first `length` rows into float32, refusing values float32 cannot hold. */
function copySteps(e: Episodes, i: number, length: number, width: number): Float32Array {
  const { values, offset } = e.at(i);
  const out = new Float32Array(length * width);
  for (let k = 0; k < out.length; k++) {
    out[k] = values[offset + k];
    if (!Number.isFinite(out[k])) {
      const x = values[offset + k];
      throw invalid(
        `${e.name} has the value ${x} at episode ${i}, step ${Math.floor(k / width)}${width > 1 ? `, column ${k % width}` : ''}; ` +
          `values must be finite${Number.isFinite(x) ? ' and within float32 range' : ''}.`,
      );
    }
  }
  return out;
}

/**
 * Reads a baselines-layout .npz for `env`; every problem is an ImlabError on
 * field 'file' naming the array, its shape and what was expected.
 */
export function importDatasetNpz(buf: Buffer, env: string, name?: string): Dataset {
  const spec = envSpec(env);
  const members = readingFile(() => readNpzMembers(buf));
  const load = (key: string): NpyArray | undefined => {
    const bytes = members.get(key);
    return bytes && readingFile(() => readNpy(bytes, key));
  };
  const found = members.size ? [...members.keys()].join(', ') : 'no arrays';
  const layout = `obs (N, L, ${spec.obsDim}), acs (N, L, ${spec.actDim}) and ep_rets (N,)`;
  const obsArray = load('obs');
  const acsArray = load('acs');
  if (!obsArray || !acsArray) throw invalid(`the file has no ${obsArray ? 'acs' : 'obs'} array (it holds ${found}); expected ${layout} for ${spec.id}.`);
  const returnsKey = ['ep_rets', 'rets'].find((k) => members.has(k));
  const rewsArray = load('rews');
  if (!returnsKey && !rewsArray) throw invalid(`the file has neither ep_rets (or rets) nor rews (it holds ${found}); expected ${layout}.`);

  const lensArray = load('ep_lens');
  const lens = lensArray ? episodeLengths(lensArray) : null;
  const obs = episodes(obsArray, 'obs', spec.obsDim, `${spec.id} observations have ${spec.obsDim} columns`, lens);
  const acs = episodes(acsArray, 'acs', spec.actDim, `${spec.id} actions have ${spec.actDim} columns`, lens);
  const rews = rewsArray ? episodes(rewsArray, 'rews', null, 'rews must hold one reward per step', lens) : null;
  const returnsArray = returnsKey ? load(returnsKey) : undefined;
  const returns = returnsKey && returnsArray ? vector(returnsArray, returnsKey, "each episode's return") : null;

  const perStep = rews ? [obs, acs, rews] : [obs, acs];
  const counts: [string, number, number[]][] = perStep.map((e) => [e.name, e.count, e.shape]);
  if (returnsKey && returnsArray) counts.push([returnsKey, returnsArray.shape[0], returnsArray.shape]);
  if (lensArray) counts.push(['ep_lens', lensArray.shape[0], lensArray.shape]);
  const [first, n, firstShape] = counts[0];
  for (const [other, m, shape] of counts) {
    if (m !== n) throw invalid(`${first} has ${n} episodes (shape ${formatShape(firstShape)}) but ${other} has ${m} (shape ${formatShape(shape)}).`);
  }
  if (n === 0) throw invalid(`obs holds no episodes (shape ${formatShape(obs.shape)}).`);

  const lengths = Array.from({ length: n }, (_, i) => {
    if (lens) {
      for (const e of perStep) {
        if (lens[i] > e.rows(i)) throw invalid(`ep_lens[${i}] is ${lens[i]} but ${e.name} holds only ${e.rows(i)} steps for episode ${i} (shape ${formatShape(e.shape)}).`);
      }
      return lens[i];
    }
    for (const e of perStep) {
      if (e.rows(i) !== obs.rows(i)) throw invalid(`episode ${i} has ${obs.rows(i)} steps in obs but ${e.rows(i)} in ${e.name}; give ep_lens if the arrays are padded differently.`);
    }
    if (obs.rows(i) === 0) throw invalid(`episode ${i} has no steps in obs (shape ${formatShape(obs.shape)}).`);
    return obs.rows(i);
  });
  for (let i = 0; returns && i < n; i++) {
    if (!Number.isFinite(returns[i])) throw invalid(`${returnsKey}[${i}] is ${returns[i]}; returns must be finite.`);
  }

  const trajectories = lengths.map((length, i): Trajectory => {
    const rewards = rews ? copySteps(rews, i, length, 1) : new Float32Array(length);
    let ret: number;
    if (returns) ret = returns[i];
    else {
      // Checked above: without ep_rets/rets there is rews.
      const { values, offset } = (rews as Episodes).at(i);
      ret = sum(values, offset, length);
    }
    return {
      obs: copySteps(obs, i, length, spec.obsDim),
      actions: copySteps(acs, i, length, spec.actDim),
      rewards,
      qpos: new Float64Array(0),
      qvel: new Float64Array(0),
      return: ret,
      length,
      terminated: spec.canTerminate && length < spec.maxEpisodeSteps,
    };
  });
  return {
    env: spec.id,
    obsDim: spec.obsDim,
    actDim: spec.actDim,
    nq: 0,
    nv: 0,
    source: { format: 'npz', returns: returnsKey ?? 'rews', ...(name === undefined ? {} : { file: name }) },
    trajectories,
  };
}
