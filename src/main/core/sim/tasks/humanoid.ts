/**
 * Humanoid-v5 (walk forward without falling) and HumanoidStandup-v5 (rise from
 * the floor). Both observe qpos[2:], qvel, cinert, cvel, actuator forces and
 * external contact forces of every body but the world.
 */
import { ENV_SPECS } from '../../../../shared/envCatalog';
import { sumSquares } from '../../math/numpySum';
import type { DataViews } from '../dataViews';
import { copyRange, type ModelConstants, type Task } from '../task';

/** Writes the 348-dim humanoid observation. */
function observeHumanoid(v: DataViews, out: Float64Array, o: number): void {
  o = copyRange(v.qpos, 2, v.qpos.length, out, o);
  o = copyRange(v.qvel, 0, v.qvel.length, out, o);
  o = copyRange(v.cinert, 10, v.cinert.length, out, o);
  o = copyRange(v.cvel, 6, v.cvel.length, out, o);
  o = copyRange(v.qfrcActuator, 6, v.qfrcActuator.length, out, o);
  copyRange(v.cfrcExt, 6, v.cfrcExt.length, out, o);
}

/** x coordinate of the mass centre: Σ mass·xipos / Σ mass, summed body by body as np.einsum does. */
function massCenterX(v: DataViews, m: ModelConstants): number {
  let num = 0;
  for (let b = 0; b < m.nbody; b++) num += m.bodyMass[b] * v.xipos[3 * b];
  return num / m.totalMass;
}

const FORWARD_WEIGHT = 1.25;
const HEALTHY_REWARD = 5;
const CTRL_COST_WEIGHT = 0.1;
const CONTACT_COST_WEIGHT = 5e-7;
const CONTACT_COST_MAX = 10;

export const humanoid: Task = {
  spec: ENV_SPECS['Humanoid-v5'],
  needsPostConstraint: true,
  qvelNoise: 'uniform',
  recordBefore(v, m, before) {
    before[0] = massCenterX(v, m);
  },
  isHealthy(v) {
    const z = v.qpos[2];
    return 1.0 < z && z < 2.0;
  },
  reward(v, m, _action, _a0, before, healthy, terms) {
    const forward = FORWARD_WEIGHT * ((massCenterX(v, m) - before[0]) / m.dt);
    const survive = healthy ? HEALTHY_REWARD : 0;
    // Gymnasium's Humanoid charges the ctrl actually written to MuJoCo, which equals the action.
    const ctrlCost = CTRL_COST_WEIGHT * sumSquares(v.ctrl, 0, v.ctrl.length);
    const contactCost = Math.min(CONTACT_COST_WEIGHT * sumSquares(v.cfrcExt, 0, v.cfrcExt.length), CONTACT_COST_MAX);
    terms[0] = survive;
    terms[1] = forward;
    terms[2] = -ctrlCost;
    terms[3] = -contactCost;
    return forward + survive - (ctrlCost + contactCost);
  },
  observe: observeHumanoid,
};

const IMPACT_COST_WEIGHT = 0.5e-6;
const IMPACT_COST_MAX = 10;

export const humanoidStandup: Task = {
  spec: ENV_SPECS['HumanoidStandup-v5'],
  needsPostConstraint: true,
  qvelNoise: 'uniform',
  recordBefore() {},
  isHealthy: () => true,
  reward(v, m, _action, _a0, _before, _healthy, terms) {
    // Divided by the physics timestep, not by dt: Gymnasium's definition.
    const linup = v.qpos[2] / m.timestep;
    const quadCtrl = CTRL_COST_WEIGHT * sumSquares(v.ctrl, 0, v.ctrl.length);
    const impact = Math.min(IMPACT_COST_WEIGHT * sumSquares(v.cfrcExt, 0, v.cfrcExt.length), IMPACT_COST_MAX);
    terms[0] = linup;
    terms[1] = -quadCtrl;
    terms[2] = -impact;
    // The constant +1 belongs to no reward term in Gymnasium either.
    return linup - quadCtrl - impact + 1;
  },
  observe: observeHumanoid,
};
