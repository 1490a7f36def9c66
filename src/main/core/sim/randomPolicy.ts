import { Rng } from '../math/rng';
import { MujocoEnv } from './mujocoEnv';
import { SimModel } from './simModel';

/** True return of uniformly random actions: the zero point of the normalised score. */
export async function randomPolicyReturn(envId: string, episodes = 50, seed = 0): Promise<{ mean: number; std: number; episodes: number }> {
  const sim = await SimModel.load(envId);
  const env = new MujocoEnv(sim, seed);
  const rng = new Rng(seed + 1);
  const { actLow, actHigh } = sim.spec;
  const action = new Float64Array(actLow.length);
  const returns: number[] = [];
  try {
    for (let ep = 0; ep < episodes; ep++) {
      env.reset();
      let ret = 0;
      for (;;) {
        for (let j = 0; j < action.length; j++) action[j] = rng.uniform(actLow[j], actHigh[j]);
        const r = env.step(action);
        ret += r.reward;
        if (r.terminated || r.truncated) break;
      }
      returns.push(ret);
    }
  } finally {
    env.dispose();
    sim.dispose();
  }
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  return { mean, std: Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / returns.length), episodes };
}
