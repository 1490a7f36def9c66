import { ENV_SPECS } from '../../../../shared/envCatalog';
import { copyRange, type Task } from '../task';

/** InvertedPendulum-v5: +1 for every step whose observation is finite with |pole angle| ≤ 0.2. */
export const invertedPendulum: Task = {
  spec: ENV_SPECS['InvertedPendulum-v5'],
  needsPostConstraint: false,
  qvelNoise: 'uniform',
  recordBefore() {},
  isHealthy(v) {
    const { qpos, qvel } = v;
    for (let i = 0; i < qpos.length; i++) if (!Number.isFinite(qpos[i])) return false;
    for (let i = 0; i < qvel.length; i++) if (!Number.isFinite(qvel[i])) return false;
    return !(Math.abs(qpos[1]) > 0.2);
  },
  reward(_v, _m, _a, _o, _b, healthy, terms) {
    const r = healthy ? 1 : 0;
    terms[0] = r;
    return r;
  },
  observe(v, out, o) {
    o = copyRange(v.qpos, 0, v.qpos.length, out, o);
    copyRange(v.qvel, 0, v.qvel.length, out, o);
  },
};
