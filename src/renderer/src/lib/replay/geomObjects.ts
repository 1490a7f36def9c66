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
  /** The background the far floor fades into. */
  sky?: THREE.Color;
}

/** Floors are drawn unlit; with shadows on, this child of a floor darkens where the shadows fall. */
export const SHADOW_CATCHER = 'shadow catcher';

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

/**
 * The checker ground as a tiny shader: the cell colour is computed from the
 * world position, with no texture and no lighting (the floor is flat, so its
 * light is one colour). A mipmapped, lit texture cost software GL about 70 ms
 * of a 1280 × 720 frame; this costs a few. Far cells, finer than a pixel, fade
 * to their mean instead of moiré, and the far floor fades into the sky.
 */
function floorMaterial(rgba: readonly number[], sky: THREE.Color): THREE.ShaderMaterial {
  // Colours go in as the sRGB the screen shows: a per-pixel conversion (a pow per channel) would double the floor's cost.
  const light = new THREE.Vector3(...[0.62, 0.66, 0.72].map((x, i) => Math.min(1, 0.7 * x + 0.3 * rgba[i])));
  const dark = light.clone().multiplyScalar(0.8);
  const skyRgb = sky.getRGB({ r: 0, g: 0, b: 0 }, THREE.SRGBColorSpace);
  return new THREE.ShaderMaterial({
    uniforms: { light: { value: light }, dark: { value: dark }, sky: { value: new THREE.Vector3(skyRgb.r, skyRgb.g, skyRgb.b) }, cell: { value: CHECKER_CELL }, fogNear: { value: 20 }, fogFar: { value: 60 } },
    vertexShader: `
      varying vec2 vGround;
      varying float vDepth;
      void main() {
        vGround = (modelMatrix * vec4(position, 1.0)).xy;
        vec4 eye = modelViewMatrix * vec4(position, 1.0);
        vDepth = -eye.z;
        gl_Position = projectionMatrix * eye;
      }`,
    fragmentShader: `
      uniform vec3 light;
      uniform vec3 dark;
      uniform vec3 sky;
      uniform float cell;
      uniform float fogNear;
      uniform float fogFar;
      varying vec2 vGround;
      varying float vDepth;
      void main() {
        vec2 c = floor(vGround / cell);
        vec3 col = mod(c.x + c.y, 2.0) < 0.5 ? light : dark;
        vec2 w = fwidth(vGround) / cell;
        col = mix(col, 0.5 * (light + dark), clamp(2.0 * max(w.x, w.y) - 0.5, 0.0, 1.0));
        gl_FragColor = vec4(mix(col, sky, smoothstep(fogNear, fogFar, vDepth)), 1.0);
      }`,
  });
}

/** The scene's light, in MuJoCo's frame: a sky/ground hemisphere and a sun (its direction; the stage moves it along for shadows). */
export const LIGHT = { sky: 0xdde6f0, ground: 0x40382e, hemisphere: 1.1, sun: 2.2, sunFrom: new THREE.Vector3(-3, -4, 8) } as const;

/**
 * Lambert shading of a body (three's MeshLambertMaterial under LIGHT, per
 * pixel) in a shader a fraction of the size: software GL compiles three's
 * lit materials for most of a second before the first frame.
 */
function bodyMaterial(color: THREE.Color, opacity: number): THREE.ShaderMaterial {
  return new THREE.ShaderMaterial({
    uniforms: {
      color: { value: color },
      opacity: { value: opacity },
      sky: { value: new THREE.Color(LIGHT.sky).multiplyScalar(LIGHT.hemisphere) },
      ground: { value: new THREE.Color(LIGHT.ground).multiplyScalar(LIGHT.hemisphere) },
      sun: { value: new THREE.Color(0xffffff).multiplyScalar(LIGHT.sun) },
      sunDir: { value: LIGHT.sunFrom.clone().normalize() },
    },
    vertexShader: `
      varying vec3 vNormal;
      void main() {
        vNormal = mat3(modelMatrix) * normal;
        gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
      }`,
    fragmentShader: `
      uniform vec3 color;
      uniform float opacity;
      uniform vec3 sky;
      uniform vec3 ground;
      uniform vec3 sun;
      uniform vec3 sunDir;
      varying vec3 vNormal;
      void main() {
        vec3 n = normalize(vNormal);
        vec3 light = mix(ground, sky, 0.5 * n.z + 0.5) + sun * max(dot(n, sunDir), 0.0);
        gl_FragColor = vec4(color * light * 0.3183099, opacity);
        #include <colorspace_fragment>
      }`,
    transparent: opacity < 1,
    depthWrite: opacity >= 1,
  });
}

function material(g: VisualGeom, style: GeomStyle): THREE.Material {
  const color = style.tint !== undefined ? new THREE.Color(style.tint) : new THREE.Color().setRGB(g.rgba[0], g.rgba[1], g.rgba[2], THREE.SRGBColorSpace);
  const opacity = style.opacity * g.rgba[3];
  if (g.type === 'plane') return floorMaterial(g.rgba, style.sky ?? new THREE.Color(0xd9e1ea));
  return bodyMaterial(color, opacity);
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
    if (g.type === 'plane') {
      const catcher = new THREE.Mesh(geometry, new THREE.ShadowMaterial({ opacity: 0.3, depthWrite: false }));
      catcher.name = SHADOW_CATCHER;
      catcher.receiveShadow = true;
      catcher.matrixAutoUpdate = false;
      catcher.visible = false;
      mesh.add(catcher);
    }
    return mesh;
  });
}
