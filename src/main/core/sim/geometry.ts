/**
 * Visual geometry for playback: the model's geoms (type, size, colour, body)
 * and, for any qpos, their world poses computed by MuJoCo's own kinematics.
 */
import type { GeomPoses, GeomType, ModelGeometry, VisualGeom } from '../../../shared/geometry';
import { ImlabError } from '../../../shared/errors';
import { DataViews } from './dataViews';
import { GEOM_TYPE_NAMES, type MjData } from './mujoco';
import type { SimModel } from './simModel';

/** MuJoCo renders geom groups 0–2 by default; higher groups are hidden helpers. */
const MAX_VISIBLE_GROUP = 2;

export function modelGeometry(sim: SimModel): ModelGeometry {
  const { mj, model } = sim;
  const type = model.geom_type as Int32Array;
  const size = model.geom_size as Float64Array;
  const rgba = model.geom_rgba as Float32Array;
  const group = model.geom_group as Int32Array;
  const bodyId = model.geom_bodyid as Int32Array;
  const geoms: VisualGeom[] = [];
  for (let g = 0; g < sim.ngeom; g++) {
    if (group[g] > MAX_VISIBLE_GROUP || rgba[4 * g + 3] === 0) continue;
    const b = bodyId[g];
    geoms.push({
      index: g,
      name: mj.mj_id2name(model, mj.mjtObj.mjOBJ_GEOM.value, g) ?? '',
      type: GEOM_TYPE_NAMES[type[g]] as GeomType,
      size: [size[3 * g], size[3 * g + 1], size[3 * g + 2]],
      rgba: [rgba[4 * g], rgba[4 * g + 1], rgba[4 * g + 2], rgba[4 * g + 3]],
      bodyId: b,
      bodyName: mj.mj_id2name(model, mj.mjtObj.mjOBJ_BODY.value, b) ?? '',
    });
  }
  return { envId: sim.spec.id, geoms };
}

/** Computes geom poses for stored states; owns one MjData used only for kinematics. */
export class GeomPoser {
  private readonly data: MjData;
  private readonly views: DataViews;
  private readonly indices: Int32Array;

  constructor(
    private readonly sim: SimModel,
    geometry: ModelGeometry = modelGeometry(sim),
  ) {
    this.data = new sim.mj.MjData(sim.model);
    this.views = new DataViews(this.data);
    this.indices = Int32Array.from(geometry.geoms, (g) => g.index);
  }

  get geomCount(): number {
    return this.indices.length;
  }

  /** Poses for one qpos, written into `out` at geom offset `frame × geomCount` when given. */
  poses(qpos: ArrayLike<number>, out?: GeomPoses, frame = 0): GeomPoses {
    const nq = this.sim.nq;
    if (qpos.length !== nq) throw new ImlabError('invalid_state', `qpos must have ${nq} numbers for ${this.sim.spec.id}, got ${qpos.length}.`, 'qpos');
    const n = this.indices.length;
    const result = out ?? { position: new Float64Array(3 * n), rotation: new Float64Array(9 * n) };
    this.views.ensureFresh();
    this.views.qpos.set(qpos);
    this.sim.mj.mj_kinematics(this.sim.model, this.data);
    this.views.ensureFresh();
    const { geomXpos, geomXmat } = this.views;
    const base = frame * n;
    for (let k = 0; k < n; k++) {
      const g = this.indices[k];
      for (let j = 0; j < 3; j++) result.position[3 * (base + k) + j] = geomXpos[3 * g + j];
      for (let j = 0; j < 9; j++) result.rotation[9 * (base + k) + j] = geomXmat[9 * g + j];
    }
    return result;
  }

  /** Poses for many frames of stored qpos (frames × nq), one allocation for all. */
  trajectoryPoses(qposFrames: Float64Array): GeomPoses {
    const nq = this.sim.nq;
    const frames = Math.floor(qposFrames.length / nq);
    const n = this.indices.length;
    const out = { position: new Float64Array(3 * n * frames), rotation: new Float64Array(9 * n * frames) };
    for (let f = 0; f < frames; f++) this.poses(qposFrames.subarray(f * nq, (f + 1) * nq), out, f);
    return out;
  }

  dispose(): void {
    this.data.delete();
  }
}
