/**
 * Cached typed-array views into one MjData's WASM memory. Reading `data.qpos`
 * through the bindings builds a new view each time (measured ~1.9 µs per access),
 * so the hot loop keeps views and rebuilds them only when WASM memory has grown,
 * which detaches the old buffer (its byteLength drops to 0).
 */
import type { MjData } from './mujoco';

export class DataViews {
  qpos!: Float64Array;
  qvel!: Float64Array;
  ctrl!: Float64Array;
  qaccWarmstart!: Float64Array;
  xpos!: Float64Array;
  xquat!: Float64Array;
  xipos!: Float64Array;
  cinert!: Float64Array;
  cvel!: Float64Array;
  qfrcActuator!: Float64Array;
  cfrcExt!: Float64Array;
  geomXpos!: Float64Array;
  geomXmat!: Float64Array;

  constructor(private readonly data: MjData) {
    this.refresh();
  }

  /** Call before using the views; O(1) unless memory grew since the last call. */
  ensureFresh(): void {
    if (this.qpos.byteLength === 0) this.refresh();
  }

  private refresh(): void {
    const d = this.data;
    this.qpos = d.qpos as Float64Array;
    this.qvel = d.qvel as Float64Array;
    this.ctrl = d.ctrl as Float64Array;
    this.qaccWarmstart = d.qacc_warmstart as Float64Array;
    this.xpos = d.xpos as Float64Array;
    this.xquat = d.xquat as Float64Array;
    this.xipos = d.xipos as Float64Array;
    this.cinert = d.cinert as Float64Array;
    this.cvel = d.cvel as Float64Array;
    this.qfrcActuator = d.qfrc_actuator as Float64Array;
    this.cfrcExt = d.cfrc_ext as Float64Array;
    this.geomXpos = d.geom_xpos as Float64Array;
    this.geomXmat = d.geom_xmat as Float64Array;
  }
}
