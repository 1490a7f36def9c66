/** Replay frames of a stored trajectory: geom poses by MuJoCo kinematics on its qpos, in the main process. */
import type { Replay } from '../../../shared/api';
import { ImlabError } from '../../../shared/errors';
import { GeomPoser, modelGeometry } from '../sim/geometry';
import { SimModel } from '../sim/simModel';
import type { Store } from '../store/store';
import { episodeEnd } from '../data/episodeEnd';

/** The first body under the world: the torso of the walkers, the cart of the pendulum. */
const TRACK_BODY = 1;

export async function replayOf(store: Store, trajectoryId: number): Promise<Replay> {
  const t = store.getTrajectory(trajectoryId);
  if (!t) throw new ImlabError('not_found', `No trajectory with id ${trajectoryId}.`, 'trajectoryId');
  const sim = await SimModel.load(t.env);
  try {
    if (t.qpos.length !== (t.length + 1) * sim.nq) {
      throw new ImlabError('invalid_input', `Trajectory ${trajectoryId} has no MuJoCo states to replay (imported data carries observations only).`, 'trajectoryId');
    }
    const geometry = modelGeometry(sim);
    const poser = new GeomPoser(sim, geometry);
    try {
      const poses = poser.trajectoryPoses(t.qpos);
      const last = t.length;
      return {
        trajectoryId,
        env: t.env,
        frames: t.length + 1,
        dt: sim.spec.dt,
        geoms: [...geometry.geoms],
        positions: Buffer.from(Float32Array.from(poses.position).buffer).toString('base64'),
        quaternions: Buffer.from(quaternions(poses.rotation).buffer).toString('base64'),
        rewards: Array.from(t.rewards),
        return: t.return,
        label: t.label,
        idx: t.idx,
        source: store.trajectorySource(trajectoryId) ?? { datasetId: null, runId: null, name: '' },
        end: episodeEnd(t.env, t.terminated, t.length, t.qpos.subarray(last * sim.nq, (last + 1) * sim.nq), t.qvel.subarray(last * sim.nv, (last + 1) * sim.nv)),
        trackBodyId: TRACK_BODY,
      };
    } finally {
      poser.dispose();
    }
  } finally {
    sim.dispose();
  }
}

/**
 * Unit quaternions (w, x, y, z) of row-major rotation matrices, 4 floats where
 * the matrix takes 9: the poses are most of what getReplay sends.
 * Shepperd's method: the largest of w, x, y, z is found first, so no division
 * is by a small number.
 */
export function quaternions(rotation: Float64Array): Float32Array {
  const n = rotation.length / 9;
  const out = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = rotation.subarray(9 * i, 9 * i + 9);
    const trace = m00 + m11 + m22;
    let w: number, x: number, y: number, z: number;
    if (trace > 0) {
      const s = 2 * Math.sqrt(trace + 1);
      [w, x, y, z] = [s / 4, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s];
    } else if (m00 > m11 && m00 > m22) {
      const s = 2 * Math.sqrt(1 + m00 - m11 - m22);
      [w, x, y, z] = [(m21 - m12) / s, s / 4, (m01 + m10) / s, (m02 + m20) / s];
    } else if (m11 > m22) {
      const s = 2 * Math.sqrt(1 + m11 - m00 - m22);
      [w, x, y, z] = [(m02 - m20) / s, (m01 + m10) / s, s / 4, (m12 + m21) / s];
    } else {
      const s = 2 * Math.sqrt(1 + m22 - m00 - m11);
      [w, x, y, z] = [(m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, s / 4];
    }
    out.set([w, x, y, z], 4 * i);
  }
  return out;
}

/**
 * Replays by trajectory id, newest used last. Stored trajectories never change;
 * an entry is used only while the id still names a trajectory of the same owner
 * (SQLite may reuse the id of a deleted newest row).
 */
export class ReplayCache {
  private readonly entries = new Map<number, { owner: string; replay: Promise<Replay> }>();

  constructor(
    private readonly store: Store,
    private readonly capacity = 8,
  ) {}

  get(trajectoryId: number): Promise<Replay> {
    const source = this.store.trajectorySource(trajectoryId);
    const owner = source ? `${source.datasetId}:${source.runId}` : '';
    const hit = this.entries.get(trajectoryId);
    this.entries.delete(trajectoryId);
    if (hit && source && hit.owner === owner) {
      this.entries.set(trajectoryId, hit);
      return hit.replay;
    }
    const replay = replayOf(this.store, trajectoryId);
    this.entries.set(trajectoryId, { owner, replay });
    replay.catch(() => this.entries.delete(trajectoryId));
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return replay;
  }
}
