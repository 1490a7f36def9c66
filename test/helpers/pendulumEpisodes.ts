/**
 * Stored InvertedPendulum episodes for replay tests, without training: a
 * state-feedback controller balances the pole for the full 1,000 steps, or
 * gives it a shove after `shoveAt` steps so the episode terminates early.
 */
import type { Dataset, Trajectory } from '../../src/main/core/data/dataset';
import { TrajectoryRecorder } from '../../src/main/core/learn/evaluate';
import { MujocoEnv } from '../../src/main/core/sim/mujocoEnv';
import { SimModel } from '../../src/main/core/sim/simModel';

const GAINS = [1, 12, 1.5, 2];

export async function pendulumDataset(episodes: { seed: number; shoveAt?: number }[]): Promise<Dataset> {
  const sim = await SimModel.load('InvertedPendulum-v5');
  const { obsDim, actDim, maxEpisodeSteps } = sim.spec;
  const trajectories: Trajectory[] = [];
  try {
    for (const e of episodes) {
      const env = new MujocoEnv(sim, e.seed);
      try {
        env.reset();
        const rec = new TrajectoryRecorder(obsDim, actDim, sim.nq, sim.nv, maxEpisodeSteps);
        rec.state(env);
        let ret = 0;
        for (let t = 0; ; t++) {
          const o = env.obs;
          const u = e.shoveAt !== undefined && t >= e.shoveAt ? 3 : GAINS.reduce((s, k, i) => s + k * o[i], 0);
          const action = new Float64Array([Math.max(-3, Math.min(3, u))]);
          rec.step(env.obs, action);
          const r = env.step(action);
          rec.afterStep(env, r.reward);
          ret += r.reward;
          if (r.terminated || r.truncated) {
            trajectories.push(rec.finish(ret, r.terminated));
            break;
          }
        }
      } finally {
        env.dispose();
      }
    }
  } finally {
    sim.dispose();
  }
  return { env: 'InvertedPendulum-v5', obsDim, actDim, nq: sim.nq, nv: sim.nv, source: { controller: 'state feedback' }, trajectories };
}
