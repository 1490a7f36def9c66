/**
 * How a stored episode ended, told from its last state: Gymnasium's health
 * checks (the same bounds as src/main/core/sim/tasks) restated as sentences,
 * so the replay can say which condition ended an episode.
 */
import type { EpisodeEnd } from '../../../shared/api';
import { envSpec } from '../../../shared/envCatalog';

type Check = (qpos: Float64Array, qvel: Float64Array) => string | null;

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

function nonFinite(qpos: Float64Array, qvel: Float64Array): string | null {
  const i = qpos.findIndex((x) => !Number.isFinite(x));
  if (i >= 0) return `qpos[${i}] is not finite`;
  const j = qvel.findIndex((x) => !Number.isFinite(x));
  return j >= 0 ? `qvel[${j}] is not finite` : null;
}

function heightAngle(zMin: number, zMax: number, angleBound: number): Check {
  return (qpos) => {
    const z = qpos[1];
    const angle = qpos[2];
    if (!(zMin < z)) return `torso height ${fmt(z)} ≤ ${zMin}`;
    if (!(z < zMax)) return `torso height ${fmt(z)} ≥ ${zMax}`;
    if (!(-angleBound < angle && angle < angleBound)) return `torso angle ${fmt(angle)} outside ±${angleBound}`;
    return null;
  };
}

const CHECKS: Record<string, Check> = {
  'InvertedPendulum-v5': (qpos, qvel) => nonFinite(qpos, qvel) ?? (Math.abs(qpos[1]) > 0.2 ? `pole angle ${fmt(qpos[1])} outside ±0.2` : null),
  'Hopper-v5': (qpos, qvel) => {
    for (let i = 2; i < qpos.length; i++) if (!(-100 < qpos[i] && qpos[i] < 100)) return `qpos[${i}] = ${fmt(qpos[i])} outside ±100`;
    for (let i = 0; i < qvel.length; i++) if (!(-100 < qvel[i] && qvel[i] < 100)) return `qvel[${i}] = ${fmt(qvel[i])} outside ±100`;
    return heightAngle(0.7, Infinity, 0.2)(qpos, qvel);
  },
  'Walker2d-v5': heightAngle(0.8, 2.0, 1),
  'Ant-v5': (qpos, qvel) =>
    nonFinite(qpos, qvel) ?? (qpos[2] < 0.2 ? `torso height ${fmt(qpos[2])} < 0.2` : qpos[2] > 1 ? `torso height ${fmt(qpos[2])} > 1` : null),
  'Humanoid-v5': (qpos) => (!(1 < qpos[2]) ? `torso height ${fmt(qpos[2])} ≤ 1` : !(qpos[2] < 2) ? `torso height ${fmt(qpos[2])} ≥ 2` : null),
};

/** `qpos`/`qvel` are the state after the last step. */
export function episodeEnd(env: string, terminated: boolean, length: number, qpos: Float64Array, qvel: Float64Array): EpisodeEnd {
  if (terminated) return { kind: 'terminated', condition: CHECKS[env]?.(qpos, qvel) ?? null };
  if (length >= envSpec(env).maxEpisodeSteps) return { kind: 'truncated', condition: `time limit of ${envSpec(env).maxEpisodeSteps} steps` };
  return { kind: 'ended', condition: null };
}
