/**
 * One compiled MuJoCo model of an environment, shared by every MujocoEnv of
 * that task in the process (an MjModel is read-only during simulation).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envSpec, type EnvSpec } from '../../../shared/envCatalog';
import { sum } from '../math/numpySum';
import { resourcesDir } from '../resources';
import { loadMujocoModule, type MjModel, type Mujoco } from './mujoco';
import type { ModelConstants, Task } from './task';
import { TASKS } from './tasks';

export class SimModel {
  readonly spec: EnvSpec;
  readonly task: Task;
  readonly constants: ModelConstants;
  readonly nq: number;
  readonly nv: number;
  readonly nu: number;
  readonly nbody: number;
  readonly ngeom: number;
  /** Gymnasium's init_qpos / init_qvel: the state of a fresh MjData. */
  readonly initQpos: Float64Array;
  readonly initQvel: Float64Array;
  private disposed = false;

  private constructor(
    readonly mj: Mujoco,
    readonly model: MjModel,
    spec: EnvSpec,
  ) {
    this.spec = spec;
    this.task = TASKS[spec.id];
    this.nq = model.nq;
    this.nv = model.nv;
    this.nu = model.nu;
    this.nbody = model.nbody;
    this.ngeom = model.ngeom;
    const bodyMass = Float64Array.from(model.body_mass as Float64Array);
    const totalMass = sum(bodyMass, 0, bodyMass.length);
    const timestep = model.opt.timestep;
    this.constants = { nbody: this.nbody, timestep, dt: timestep * spec.frameSkip, bodyMass, totalMass };
    this.initQpos = Float64Array.from(model.qpos0 as Float64Array);
    this.initQvel = new Float64Array(this.nv);
    this.checkAgainstCatalog();
  }

  /** Compiles the environment's model from resources/models. `id` is validated (unknown ids list the valid ones). */
  static async load(id: string): Promise<SimModel> {
    const spec = envSpec(id);
    const mj = await loadMujocoModule();
    const xml = readFileSync(join(resourcesDir(), 'models', spec.modelFile), 'utf8');
    return new SimModel(mj, mj.MjModel.from_xml_string(xml), spec);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.delete();
  }

  /** The catalogue in src/shared is what the UI shows; refuse to run if the model disagrees. */
  private checkAgainstCatalog(): void {
    const s = this.spec;
    const problems: string[] = [];
    if (this.nu !== s.actDim) problems.push(`nu=${this.nu} but actDim=${s.actDim}`);
    if (this.constants.timestep !== s.timestep) problems.push(`timestep=${this.constants.timestep} but catalogue says ${s.timestep}`);
    const range = this.model.actuator_ctrlrange as Float64Array;
    for (let i = 0; i < this.nu; i++) {
      if (Math.fround(range[2 * i]) !== Math.fround(s.actLow[i]) || Math.fround(range[2 * i + 1]) !== Math.fround(s.actHigh[i])) {
        problems.push(`actuator ${i} ctrlrange [${range[2 * i]}, ${range[2 * i + 1]}] differs from the catalogue`);
      }
    }
    if (problems.length > 0) {
      this.model.delete();
      throw new Error(`Model ${s.modelFile} does not match the catalogue entry of ${s.id}: ${problems.join('; ')}`);
    }
  }
}
