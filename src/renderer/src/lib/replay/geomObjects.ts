/**
 * three.js objects for a model's visual geoms. The scene keeps MuJoCo's own
 * frame (z up; the cameras use up = +z), so a geom's world matrix is exactly
 * MuJoCo's xpos/xmat. three's capsule and cylinder run along local y and
 * MuJoCo's along local z: that turn is baked into the shared geometry.
 */
import * as THREE from 'three';
import type { VisualGeom } from '../../../../shared/geometry';

/**
 * Half-size a floor is drawn with. MuJoCo collides with a plane as if it were
 * infinite whatever its size, so a long episode (Hopper runs past its 20 m
 * floor) is still drawn on ground.
 */
const FLOOR_HALF = 400;
const CHECKER_CELL = 0.5;

export interface GeomStyle {
  /** 1 = opaque; below 1 a ghost: transparent, no shadows cast. */
  opacity: number;
  /** Replaces the model's colours (for ghosts), as 0xRRGGBB. */
  tint?: number;
}

const Z_ALONG_Y = new THREE.Matrix4().makeRotationX(Math.PI / 2);

/** The geometry of one geom in its own frame (MuJoCo axes). Null for types without a primitive. */
export function geomGeometry(g: VisualGeom): THREE.BufferGeometry | null {
  const [a, b, c] = g.size;
  switch (g.type) {
    case 'sphere':
      return new THREE.SphereGeometry(a, 24, 16);
    case 'ellipsoid':
      return new THREE.SphereGeometry(1, 24, 16).scale(a, b, c);
    case 'capsule':
      return new THREE.CapsuleGeometry(a, 2 * b, 8, 16).applyMatrix4(Z_ALONG_Y);
    case 'cylinder':
      return new THREE.CylinderGeometry(a, a, 2 * b, 24).applyMatrix4(Z_ALONG_Y);
    case 'box':
      return new THREE.BoxGeometry(2 * a, 2 * b, 2 * c);
    case 'plane':
      return new THREE.PlaneGeometry(2 * Math.max(a, FLOOR_HALF), 2 * Math.max(b, FLOOR_HALF));
    default:
      // Meshes, height fields and SDFs need data the geometry export does not carry; none of the seven envs uses them.
      return null;
  }
}

function checkerTexture(halfX: number, halfY: number, rgba: readonly number[]): THREE.DataTexture {
  const light = [0.62, 0.66, 0.72].map((x, i) => Math.round(255 * Math.min(1, 0.7 * x + 0.3 * rgba[i])));
  const dark = light.map((x) => Math.round(x * 0.78));
  const data = new Uint8Array([...light, 255, ...dark, 255, ...dark, 255, ...light, 255]);
  const t = new THREE.DataTexture(data, 2, 2, THREE.RGBAFormat);
  t.wrapS = t.wrapT = THREE.RepeatWrapping;
  t.magFilter = THREE.NearestFilter;
  // Mipmaps fade far cells to their mean grey instead of moiré.
  t.minFilter = THREE.LinearMipmapLinearFilter;
  t.generateMipmaps = true;
  t.anisotropy = 4;
  t.colorSpace = THREE.SRGBColorSpace;
  t.repeat.set(halfX / CHECKER_CELL, halfY / CHECKER_CELL);
  t.needsUpdate = true;
  return t;
}

function material(g: VisualGeom, style: GeomStyle): THREE.Material {
  const color = style.tint !== undefined ? new THREE.Color(style.tint) : new THREE.Color().setRGB(g.rgba[0], g.rgba[1], g.rgba[2], THREE.SRGBColorSpace);
  const opacity = style.opacity * g.rgba[3];
  if (g.type === 'plane') {
    const map = checkerTexture(Math.max(g.size[0], FLOOR_HALF), Math.max(g.size[1], FLOOR_HALF), g.rgba);
    return new THREE.MeshLambertMaterial({ map });
  }
  return new THREE.MeshLambertMaterial({ color, transparent: opacity < 1, opacity, depthWrite: opacity >= 1 });
}

/** One three.js mesh per drawable geom, in the order of `geoms` (null where nothing is drawn). */
export function buildGeomObjects(geoms: readonly VisualGeom[], style: GeomStyle = { opacity: 1 }): (THREE.Mesh | null)[] {
  return geoms.map((g) => {
    // A ghost is drawn over the scene of the replay it overlays: it brings no second floor.
    if (g.type === 'plane' && style.opacity < 1) return null;
    const geometry = geomGeometry(g);
    if (!geometry) return null;
    const mesh = new THREE.Mesh(geometry, material(g, style));
    mesh.name = g.name || `geom ${g.index}`;
    mesh.matrixAutoUpdate = false;
    mesh.castShadow = g.type !== 'plane' && style.opacity >= 1;
    mesh.receiveShadow = style.opacity >= 1;
    return mesh;
  });
}
