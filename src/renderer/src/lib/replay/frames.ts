/**
 * A Replay decoded for drawing: per-frame geom poses as typed arrays, and the
 * running return. The renderer never simulates; it only reads these poses.
 */
import type { Replay } from '../../../../shared/api';

/** The native decoder where there is one (several times faster on a megabyte of poses). */
const fromBase64 = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;

function decodeFloat32(base64: string): Float32Array {
  if (fromBase64) return new Float32Array(fromBase64(base64).buffer);
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

/** Row-major 3×3 matrices of unit quaternions (w, x, y, z). */
function rotationMatrices(q: Float32Array): Float32Array {
  const out = new Float32Array((q.length / 4) * 9);
  for (let i = 0, j = 0; i < q.length; i += 4, j += 9) {
    const [w, x, y, z] = [q[i], q[i + 1], q[i + 2], q[i + 3]];
    out[j] = 1 - 2 * (y * y + z * z);
    out[j + 1] = 2 * (x * y - w * z);
    out[j + 2] = 2 * (x * z + w * y);
    out[j + 3] = 2 * (x * y + w * z);
    out[j + 4] = 1 - 2 * (x * x + z * z);
    out[j + 5] = 2 * (y * z - w * x);
    out[j + 6] = 2 * (x * z - w * y);
    out[j + 7] = 2 * (y * z + w * x);
    out[j + 8] = 1 - 2 * (x * x + y * y);
  }
  return out;
}

export class ReplayFrames {
  readonly frames: number;
  readonly geomCount: number;
  /** frames × geoms × 3 */
  readonly positions: Float32Array;
  /** frames × geoms × 9, row-major, from the quaternions the replay carries */
  readonly rotations: Float32Array;
  /** returnAt[i] = sum of the rewards of the i steps that led to frame i. */
  readonly returnAt: Float64Array;
  /** Index (in replay.geoms) of the geom a following camera tracks. */
  readonly trackGeom: number;

  constructor(readonly replay: Replay) {
    this.frames = replay.frames;
    this.geomCount = replay.geoms.length;
    this.positions = decodeFloat32(replay.positions);
    const quaternions = decodeFloat32(replay.quaternions);
    if (this.positions.length !== this.frames * this.geomCount * 3 || quaternions.length !== this.frames * this.geomCount * 4) {
      throw new Error(`replay ${replay.trajectoryId}: pose arrays do not match ${this.frames} frames × ${this.geomCount} geoms`);
    }
    this.rotations = rotationMatrices(quaternions);
    this.returnAt = new Float64Array(this.frames);
    for (let i = 1; i < this.frames; i++) this.returnAt[i] = this.returnAt[i - 1] + (replay.rewards[i - 1] ?? 0);
    const tracked = replay.geoms.findIndex((g) => g.bodyId === replay.trackBodyId);
    this.trackGeom = tracked >= 0 ? tracked : 0;
  }

  /** The frame shown at global frame `f`: shorter episodes hold their last frame. */
  clamp(f: number): number {
    return f < 0 ? 0 : f >= this.frames ? this.frames - 1 : f;
  }

  /** The reward of the step that led to frame `f` (none at frame 0). */
  rewardAt(f: number): number | null {
    const k = this.clamp(f);
    return k === 0 ? null : (this.replay.rewards[k - 1] ?? null);
  }

  /**
   * Column-major 4×4 world matrix (three.js order) of geom `g` at frame `f`,
   * from MuJoCo's row-major xmat and xpos, written into `out` at `offset`.
   */
  matrix(f: number, g: number, out: Float32Array | number[], offset = 0): void {
    const p = (f * this.geomCount + g) * 3;
    const r = (f * this.geomCount + g) * 9;
    const R = this.rotations;
    const P = this.positions;
    out[offset] = R[r];
    out[offset + 1] = R[r + 3];
    out[offset + 2] = R[r + 6];
    out[offset + 3] = 0;
    out[offset + 4] = R[r + 1];
    out[offset + 5] = R[r + 4];
    out[offset + 6] = R[r + 7];
    out[offset + 7] = 0;
    out[offset + 8] = R[r + 2];
    out[offset + 9] = R[r + 5];
    out[offset + 10] = R[r + 8];
    out[offset + 11] = 0;
    out[offset + 12] = P[p];
    out[offset + 13] = P[p + 1];
    out[offset + 14] = P[p + 2];
    out[offset + 15] = 1;
  }

  /**
   * The three rows of geom `g`'s world transform [R | p] at frame `f`
   * (MuJoCo's row-major xmat beside xpos), 12 floats into `out` at `offset`.
   */
  rows(f: number, g: number, out: Float32Array, offset = 0): void {
    const p = (f * this.geomCount + g) * 3;
    const r = (f * this.geomCount + g) * 9;
    for (let row = 0; row < 3; row++) {
      out[offset + 4 * row] = this.rotations[r + 3 * row];
      out[offset + 4 * row + 1] = this.rotations[r + 3 * row + 1];
      out[offset + 4 * row + 2] = this.rotations[r + 3 * row + 2];
      out[offset + 4 * row + 3] = this.positions[p + row];
    }
  }

  position(f: number, g: number): [number, number, number] {
    const p = (f * this.geomCount + g) * 3;
    return [this.positions[p], this.positions[p + 1], this.positions[p + 2]];
  }
}
