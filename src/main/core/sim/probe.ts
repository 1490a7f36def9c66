/**
 * `imlab sim step`: for each case, a fresh episode started at the given state
 * (Gymnasium: reset, then set_state), its observation, then one step.
 * Cases are independent: nothing carries over from one case to the next.
 */
import { ImlabError } from '../../../shared/errors';
import type { SimStepCase, SimStepReport } from '../../../shared/simSchemas';
import { MujocoEnv } from './mujocoEnv';
import { SimModel } from './simModel';

export async function simStep(envId: string, cases: readonly SimStepCase[]): Promise<SimStepReport> {
  const sim = await SimModel.load(envId);
  const env = new MujocoEnv(sim, 0);
  try {
    const results = cases.map((c, i) => {
      try {
        const obsBefore = Array.from(env.resetTo(c.qpos, c.qvel));
        const r = env.step(c.action);
        return { obsBefore, obs: Array.from(env.obs), reward: r.reward, terminated: r.terminated, terms: env.termsByName() };
      } catch (e) {
        if (e instanceof ImlabError) {
          throw new ImlabError(e.code, `cases[${i}]: ${e.message}`, `cases[${i}].${e.field ?? ''}`.replace(/\.$/, ''));
        }
        throw e;
      }
    });
    return { env: sim.spec.id, results };
  } finally {
    env.dispose();
    sim.dispose();
  }
}
