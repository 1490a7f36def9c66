/** Geometry of a model for 3D playback: what to draw (static) and where (per frame). */
export type GeomType = 'plane' | 'hfield' | 'sphere' | 'capsule' | 'ellipsoid' | 'cylinder' | 'box' | 'mesh' | 'sdf';

export interface VisualGeom {
  /** Index of the geom in the MuJoCo model. */
  readonly index: number;
  readonly name: string;
  readonly type: GeomType;
  /** MuJoCo's geom_size: meaning depends on type (e.g. capsule: radius, half-length). */
  readonly size: readonly [number, number, number];
  readonly rgba: readonly [number, number, number, number];
  readonly bodyId: number;
  readonly bodyName: string;
}

export interface ModelGeometry {
  readonly envId: string;
  readonly geoms: readonly VisualGeom[];
}

/** World poses of the visual geoms for one state, in the order of ModelGeometry.geoms. */
export interface GeomPoses {
  /** 3 numbers per geom. */
  readonly position: Float64Array;
  /** Row-major 3×3 rotation matrix per geom (9 numbers). */
  readonly rotation: Float64Array;
}
