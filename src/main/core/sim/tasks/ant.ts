/**
 * Ant-v5: forward velocity of the torso body's position, a healthy bonus,
 * quadratic action cost and a contact cost on clipped external forces.
 */
import { ENV_SPECS } from '../../../../shared/envCatalog';
import { sumSquaresClipped, sumSquares } from '../../math/numpySum';
import { copyClipped, copyRange, type Task } from '../task';

const TORSO = 1;
const CTRL_COST_WEIGHT = 0.5;
const CONTACT_COST_WEIGHT = 5e-4;
const CONTACT_FORCE_BOUND = 1;

export const ant: Task = {
  spec: ENV_SPECS['Ant-v5'],
  needsPostConstraint: true,
  qvelNoise: 'normal',
  recordBefore(v, _m, before) {
    before[0] = v.xpos[3 * TORSO];
  },
  isHealthy(v) {
    const { qpos, qvel } = v;
    for (let i = 0; i < qpos.length; i++) if (!Number.isFinite(qpos[i])) return false;
    for (let i = 0; i < qvel.length; i++) if (!Number.isFinite(qvel[i])) return false;
    return 0.2 <= qpos[2] && qpos[2] <= 1.0;
  },
  reward(v, m, action, a0, before, healthy, terms) {
    const forward = (v.xpos[3 * TORSO] - before[0]) / m.dt;
    const survive = healthy ? 1 : 0;
    const ctrlCost = CTRL_COST_WEIGHT * sumSquares(action, a0, ant.spec.actDim);
    const contactCost =
      CONTACT_COST_WEIGHT * sumSquaresClipped(v.cfrcExt, 0, v.cfrcExt.length, CONTACT_FORCE_BOUND);
    terms[0] = forward;
    terms[1] = -ctrlCost;
    terms[2] = -contactCost;
    terms[3] = survive;
    return forward + survive - (ctrlCost + contactCost);
  },
  observe(v, out, o) {
    o = copyRange(v.qpos, 2, v.qpos.length, out, o);
    o = copyRange(v.qvel, 0, v.qvel.length, out, o);
    copyClipped(v.cfrcExt, 6, v.cfrcExt.length, CONTACT_FORCE_BOUND, out, o);
  },
};
