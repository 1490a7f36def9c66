/**
 * Loads the MuJoCo WASM module once per process (~0.15 s) and compiles models.
 * Every MjModel/MjData lives on the WASM heap and must be freed with delete().
 */
import loadMujoco, { type MainModule, type MjData, type MjModel } from '@mujoco/mujoco';

export type Mujoco = MainModule;
export type { MjData, MjModel };

let loading: Promise<Mujoco> | undefined;

export function loadMujocoModule(): Promise<Mujoco> {
  loading ??= loadMujoco();
  return loading;
}

/** MuJoCo's geom types, indexed by mjtGeom. */
export const GEOM_TYPE_NAMES = ['plane', 'hfield', 'sphere', 'capsule', 'ellipsoid', 'cylinder', 'box', 'mesh', 'sdf'] as const;
export type GeomTypeName = (typeof GEOM_TYPE_NAMES)[number];
