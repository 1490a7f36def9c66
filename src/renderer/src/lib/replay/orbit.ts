/**
 * The viewer's camera: an orbit around a target (azimuth, elevation, distance,
 * pan), in MuJoCo's z-up frame. One orbit drives every synchronised view; with
 * follow on, each view's target moves with its own tracked body.
 */
import * as THREE from 'three';

export interface OrbitState {
  /** Radians around +z; −π/2 looks from −y towards +y, so +x (forward) runs to the right. */
  azimuth: number;
  /** Radians above the horizon. */
  elevation: number;
  distance: number;
  /** Offset of the target from the followed (or initial) point, world metres. */
  pan: THREE.Vector3;
}

const MIN_ELEVATION = -Math.PI / 2 + 0.05;
const MAX_ELEVATION = Math.PI / 2 - 0.05;

export function defaultOrbit(distance: number): OrbitState {
  return { azimuth: -Math.PI / 2, elevation: 0.22, distance, pan: new THREE.Vector3() };
}

/** Places `camera` on the orbit around `target` (target already includes the pan). */
export function placeCamera(camera: THREE.PerspectiveCamera, o: OrbitState, target: THREE.Vector3): void {
  const c = Math.cos(o.elevation);
  camera.up.set(0, 0, 1);
  camera.position.set(target.x + o.distance * c * Math.cos(o.azimuth), target.y + o.distance * c * Math.sin(o.azimuth), target.z + o.distance * Math.sin(o.elevation));
  camera.lookAt(target);
  camera.updateMatrixWorld();
}

export function rotate(o: OrbitState, dxPixels: number, dyPixels: number): void {
  o.azimuth -= dxPixels * 0.008;
  o.elevation = Math.min(MAX_ELEVATION, Math.max(MIN_ELEVATION, o.elevation + dyPixels * 0.008));
}

/** Moves the target in the camera's plane, scaled so the grabbed point follows the pointer roughly. */
export function pan(o: OrbitState, camera: THREE.PerspectiveCamera, dxPixels: number, dyPixels: number, viewHeight: number): void {
  const metresPerPixel = (2 * o.distance * Math.tan(THREE.MathUtils.degToRad(camera.fov / 2))) / Math.max(1, viewHeight);
  const right = new THREE.Vector3().setFromMatrixColumn(camera.matrixWorld, 0);
  const up = new THREE.Vector3().setFromMatrixColumn(camera.matrixWorld, 1);
  o.pan.addScaledVector(right, -dxPixels * metresPerPixel).addScaledVector(up, dyPixels * metresPerPixel);
}

export function zoom(o: OrbitState, wheelDelta: number): void {
  o.distance = Math.min(200, Math.max(0.3, o.distance * Math.exp(wheelDelta * 0.001)));
}
