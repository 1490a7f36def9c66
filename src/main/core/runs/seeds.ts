import { Rng } from '../math/rng';

/**
 * Independent random streams of a run, all derived from its seed, so that for
 * example changing the number of evaluation episodes never shifts training noise.
 */
export function seedStreams(seed: number): {
  init: Rng;
  act: Rng;
  train: Rng;
  expert: Rng;
  envSeed: number;
} {
  const root = new Rng(seed);
  return {
    init: new Rng(root.deriveSeed()),
    act: new Rng(root.deriveSeed()),
    train: new Rng(root.deriveSeed()),
    expert: new Rng(root.deriveSeed()),
    envSeed: root.nextUint32() >>> 1,
  };
}

/** Seed of the evaluation env after `iteration` (fixed per run and iteration). */
export function evalSeed(seed: number, iteration: number): number {
  const r = new Rng(seed * 1_000_003 + iteration + 17);
  return r.nextUint32() >>> 1;
}
