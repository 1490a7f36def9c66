/**
 * Hopper-v5, Walker2d-v5 and HalfCheetah-v5: planar robots rewarded for the
 * forward velocity of qpos[0] minus a quadratic action cost; Hopper and Walker2d
 * also for staying healthy (and they terminate when not).
 */
import { ENV_SPECS, type EnvSpec } from '../../../../shared/envCatalog';
import { sumSquares } from '../../math/numpySum';
import type { DataViews } from '../dataViews';
import { copyClipped, copyRange, type Task } from '../task';

interface PlanarOptions {
  spec: EnvSpec;
  ctrlCostWeight: number;
  /** Observation clips qvel to ±10 (Hopper, Walker2d) or not (HalfCheetah). */
  clipVelocity: boolean;
  healthyReward: number;
  isHealthy: (v: DataViews) => boolean;
}

function planarTask(o: PlanarOptions): Task {
  const actDim = o.spec.actDim;
  return {
    spec: o.spec,
    needsPostConstraint: false,
    qvelNoise: o.spec.id === 'HalfCheetah-v5' ? 'normal' : 'uniform',
    recordBefore(v, _m, before) {
      before[0] = v.qpos[0];
    },
    isHealthy: o.isHealthy,
    reward(v, m, action, a0, before, healthy, terms) {
      const forward = (v.qpos[0] - before[0]) / m.dt;
      const ctrlCost = o.ctrlCostWeight * sumSquares(action, a0, actDim);
      if (o.spec.canTerminate) {
        const survive = healthy ? o.healthyReward : 0;
        terms[0] = forward;
        terms[1] = -ctrlCost;
        terms[2] = survive;
        return forward + survive - ctrlCost;
      }
      terms[0] = forward;
      terms[1] = -ctrlCost;
      return forward - ctrlCost;
    },
    observe(v, out, off) {
      off = copyRange(v.qpos, 1, v.qpos.length, out, off);
      if (o.clipVelocity) copyClipped(v.qvel, 0, v.qvel.length, 10, out, off);
      else copyRange(v.qvel, 0, v.qvel.length, out, off);
    },
  };
}

export const hopper = planarTask({
  spec: ENV_SPECS['Hopper-v5'],
  ctrlCostWeight: 1e-3,
  clipVelocity: true,
  healthyReward: 1,
  isHealthy(v) {
    const { qpos, qvel } = v;
    // state_vector()[2:] is qpos[2:] then qvel, each strictly inside (-100, 100).
    for (let i = 2; i < qpos.length; i++) if (!(-100 < qpos[i] && qpos[i] < 100)) return false;
    for (let i = 0; i < qvel.length; i++) if (!(-100 < qvel[i] && qvel[i] < 100)) return false;
    const z = qpos[1];
    const angle = qpos[2];
    return 0.7 < z && z < Infinity && -0.2 < angle && angle < 0.2;
  },
});

export const walker2d = planarTask({
  spec: ENV_SPECS['Walker2d-v5'],
  ctrlCostWeight: 1e-3,
  clipVelocity: true,
  healthyReward: 1,
  isHealthy(v) {
    const z = v.qpos[1];
    const angle = v.qpos[2];
    return 0.8 < z && z < 2.0 && -1 < angle && angle < 1;
  },
});

export const halfCheetah = planarTask({
  spec: ENV_SPECS['HalfCheetah-v5'],
  ctrlCostWeight: 0.1,
  clipVelocity: false,
  healthyReward: 0,
  isHealthy: () => true,
});
