/** Replay frames of a stored trajectory: geom poses by MuJoCo kinematics on its qpos, in the main process. */
import type { Replay } from '../../../shared/api';
import { ImlabError } from '../../../shared/errors';
import { GeomPoser, modelGeometry } from '../sim/geometry';
import { SimModel } from '../sim/simModel';
import type { Store } from '../store/store';

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
      return {
        trajectoryId,
        env: t.env,
        frames: t.length + 1,
        dt: sim.spec.dt,
        geoms: [...geometry.geoms],
        positions: Buffer.from(Float32Array.from(poses.position).buffer).toString('base64'),
        rotations: Buffer.from(Float32Array.from(poses.rotation).buffer).toString('base64'),
        rewards: Array.from(t.rewards),
        return: t.return,
      };
    } finally {
      poser.dispose();
    }
  } finally {
    sim.dispose();
  }
}
