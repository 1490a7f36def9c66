/**
 * three.js objects for a model's visual geoms. The scene keeps MuJoCo's own
 * frame (z up; the cameras use up = +z), so a geom's world matrix is exactly
 * MuJoCo's xpos/xmat. three's capsule and cylinder run along local y and
 * MuJoCo's along local z: that turn is baked into the shared geometry.
 */
import * as THREE from 'three';
import type { VisualGeom } from '../../../../shared/geometry';
import type { ReplayFrames } from './frames';

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
  /** How finely curved geoms are tessellated (default: fine). */
  detail?: Detail;
}

/**
 * Tessellation of the curved geoms. Software GL transforms and sets up every
 * triangle on the CPU, and for a Humanoid that was most of a frame: four
 * views drew ~40,000 triangles, and coarse shapes halve the frame time there
 * (README, "Replay"). At the resolution software GL draws by default the
 * facets are hardly visible; a GPU draws the fine shapes at no cost.
 */
export type Detail = 'fine' | 'coarse';

/** Segments around a sphere or cylinder and along a sphere; a capsule's around and per cap. */
const SEGMENTS: Record<Detail, { around: number; along: number; capsuleAround: number; capsuleCap: number }> = {
  fine: { around: 24, along: 16, capsuleAround: 16, capsuleCap: 8 },
  coarse: { around: 12, along: 8, capsuleAround: 10, capsuleCap: 3 },
};

/** Floors are drawn unlit; with shadows on, this child of a floor darkens where the shadows fall. */
export const SHADOW_CATCHER = 'shadow catcher';

const Z_ALONG_Y = new THREE.Matrix4().makeRotationX(Math.PI / 2);

/** The geometry of one geom in its own frame (MuJoCo axes). Null for types without a primitive. */
export function geomGeometry(g: VisualGeom, detail: Detail = 'fine'): THREE.BufferGeometry | null {
  const [a, b, c] = g.size;
  const n = SEGMENTS[detail];
  switch (g.type) {
    case 'sphere':
      return new THREE.SphereGeometry(a, n.around, n.along);
    case 'ellipsoid':
      return new THREE.SphereGeometry(1, n.around, n.along).scale(a, b, c);
    case 'capsule':
      return new THREE.CapsuleGeometry(a, 2 * b, n.capsuleCap, n.capsuleAround).applyMatrix4(Z_ALONG_Y);
    case 'cylinder':
      return new THREE.CylinderGeometry(a, a, 2 * b, n.around).applyMatrix4(Z_ALONG_Y);
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
 * light is one colour). Every operation per pixel counts on software GL, where
 * the floor is most of the picture: far cells, finer than a pixel, fade to
 * their mean by the pixel's footprint on the ground (from the depth alone, set
 * per frame in `aimFloor`, instead of screen-space derivatives), and the far
 * floor fades linearly into the sky.
 */
function floorMaterial(rgba: readonly number[], sky: THREE.Color): THREE.ShaderMaterial {
  // Colours go in as the sRGB the screen shows: a per-pixel conversion (a pow per channel) would double the floor's cost.
  const light = new THREE.Vector3(...[0.62, 0.66, 0.72].map((x, i) => Math.min(1, 0.7 * x + 0.3 * rgba[i])));
  const dark = light.clone().multiplyScalar(0.8);
  const skyRgb = sky.getRGB({ r: 0, g: 0, b: 0 }, THREE.SRGBColorSpace);
  return new THREE.ShaderMaterial({
    uniforms: {
      light: { value: light },
      dark: { value: dark },
      sky: { value: new THREE.Vector3(skyRgb.r, skyRgb.g, skyRgb.b) },
      cell: { value: CHECKER_CELL },
      footprint: { value: 0 },
      fog: { value: new THREE.Vector2(0, 0) },
    },
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
      uniform float footprint;
      uniform vec2 fog;
      varying vec2 vGround;
      varying float vDepth;
      void main() {
        vec2 c = step(0.5, fract(vGround * (0.5 / cell)));
        float t = mix(abs(c.x - c.y), 0.5, clamp(2.0 * footprint * vDepth * vDepth - 0.5, 0.0, 1.0));
        gl_FragColor = vec4(mix(mix(dark, light, t), sky, clamp(vDepth * fog.x + fog.y, 0.0, 1.0)), 1.0);
      }`,
  });
}

/**
 * The floor's per-frame uniforms for a camera `height` above it, `distance`
 * from its target, drawing `pixelsHigh` pixels over its vertical field of view.
 * A pixel at depth d covers about d² · (fov / pixels) / height of ground
 * (the ground is seen at a grazing angle of height / d).
 */
export function aimFloor(floor: THREE.Mesh, o: { distance: number; height: number; fovDeg: number; pixelsHigh: number }): void {
  const u = (floor.material as THREE.ShaderMaterial).uniforms;
  const pixelAngle = THREE.MathUtils.degToRad(o.fovDeg) / Math.max(1, o.pixelsHigh);
  u.footprint.value = pixelAngle / (Math.max(0.05, o.height) * CHECKER_CELL);
  const near = 2.5 * o.distance + 10;
  const far = 6 * o.distance + 40;
  (u.fog.value as THREE.Vector2).set(1 / (far - near), -near / (far - near));
}

/** The scene's light, in MuJoCo's frame: a sky/ground hemisphere and a sun (its direction; the stage moves it along for shadows). */
export const LIGHT = { sky: 0xdde6f0, ground: 0x40382e, hemisphere: 1.1, sun: 2.2, sunFrom: new THREE.Vector3(-3, -4, 8) } as const;

/** Geoms per batch: 3 vec4 uniforms each, well inside WebGL 2's minimum of 256 vertex uniform vectors. */
export const BATCH_GEOMS = 32;

/**
 * A batch's geoms are placed by the vertex shader: each vertex carries its
 * geom's slot, and `geomRows` holds, per slot, the three rows of the world
 * transform [R | p] (MuJoCo's xmat and xpos as they come).
 */
const BATCH_VERTEX = `
  attribute float geomSlot;
  attribute vec4 geomColor;
  uniform vec4 geomRows[${3 * BATCH_GEOMS}];
  varying vec3 vNormal;
  varying vec4 vColor;
  void main() {
    int i = 3 * int(geomSlot + 0.5);
    vec4 p = vec4(position, 1.0);
    vec4 r0 = geomRows[i];
    vec4 r1 = geomRows[i + 1];
    vec4 r2 = geomRows[i + 2];
    vNormal = vec3(dot(r0.xyz, normal), dot(r1.xyz, normal), dot(r2.xyz, normal));
    vColor = geomColor;
    gl_Position = projectionMatrix * viewMatrix * vec4(dot(r0, p), dot(r1, p), dot(r2, p), 1.0);
  }`;

/**
 * Lambert shading of a body (three's MeshLambertMaterial under LIGHT, per
 * pixel) in a shader a fraction of the size: software GL compiles three's
 * lit materials for most of a second before the first frame.
 */
function bodyMaterial(rows: Float32Array, opacity: number): THREE.ShaderMaterial {
  return new THREE.ShaderMaterial({
    uniforms: {
      geomRows: { value: rows },
      opacity: { value: opacity },
      sky: { value: new THREE.Color(LIGHT.sky).multiplyScalar(LIGHT.hemisphere) },
      ground: { value: new THREE.Color(LIGHT.ground).multiplyScalar(LIGHT.hemisphere) },
      sun: { value: new THREE.Color(0xffffff).multiplyScalar(LIGHT.sun) },
      sunDir: { value: LIGHT.sunFrom.clone().normalize() },
    },
    vertexShader: BATCH_VERTEX,
    fragmentShader: `
      uniform float opacity;
      uniform vec3 sky;
      uniform vec3 ground;
      uniform vec3 sun;
      uniform vec3 sunDir;
      varying vec3 vNormal;
      varying vec4 vColor;
      void main() {
        vec3 n = normalize(vNormal);
        vec3 light = mix(ground, sky, 0.5 * n.z + 0.5) + sun * max(dot(n, sunDir), 0.0);
        gl_FragColor = vec4(vColor.rgb * light * 0.3183099, vColor.a * opacity);
        #include <colorspace_fragment>
      }`,
    transparent: opacity < 1,
    depthWrite: opacity >= 1,
  });
}

/** The shadow pass places the batch's geoms as the visible pass does; only depth is written. */
function batchDepthMaterial(body: THREE.ShaderMaterial): THREE.ShaderMaterial {
  return new THREE.ShaderMaterial({
    uniforms: { geomRows: body.uniforms.geomRows },
    vertexShader: BATCH_VERTEX,
    fragmentShader: 'void main() { gl_FragColor = vec4(1.0); }',
  });
}

/**
 * Up to BATCH_GEOMS geoms drawn as one mesh, one draw call: software GL pays
 * about a third of a millisecond per draw call, more than the bodies' pixels.
 */
export interface BodyBatch {
  mesh: THREE.Mesh;
  /** Index in `geoms` of the geom in each slot. */
  geoms: number[];
  /** 12 floats per slot: the rows of [R | p], written by `poseBatch`. */
  rows: Float32Array;
}

export interface GeomObjects {
  /** The floor (a plane geom) with its shadow catcher, or null (ghosts bring none). */
  floor: THREE.Mesh | null;
  /** Index in `geoms` of the floor. */
  floorGeom: number;
  batches: BodyBatch[];
}

function bodyColor(g: VisualGeom, style: GeomStyle): THREE.Color {
  return style.tint !== undefined ? new THREE.Color(style.tint) : new THREE.Color().setRGB(g.rgba[0], g.rgba[1], g.rgba[2], THREE.SRGBColorSpace);
}

function buildBatch(geoms: readonly VisualGeom[], members: { k: number; shape: THREE.BufferGeometry }[], style: GeomStyle): BodyBatch {
  for (const [slot, { k, shape }] of members.entries()) {
    const n = shape.getAttribute('position').count;
    const color = bodyColor(geoms[k], style);
    shape.setAttribute('geomSlot', new THREE.Float32BufferAttribute(new Float32Array(n).fill(slot), 1));
    shape.setAttribute('geomColor', new THREE.Float32BufferAttribute(Float32Array.from({ length: 4 * n }, (_, i) => [color.r, color.g, color.b, geoms[k].rgba[3]][i % 4]), 4));
  }
  const geometry = mergeGeometries(members.map((m) => m.shape), ['position', 'normal', 'geomSlot', 'geomColor']);
  members.forEach((m) => m.shape.dispose());
  const rows = new Float32Array(12 * BATCH_GEOMS);
  const material = bodyMaterial(rows, style.opacity);
  const mesh = new THREE.Mesh(geometry, material);
  mesh.name = members.map(({ k }) => geoms[k].name || `geom ${geoms[k].index}`).join(', ');
  mesh.matrixAutoUpdate = false;
  // The geometry is in geom frames, not where the vertex shader puts it: its bounds mean nothing.
  mesh.frustumCulled = false;
  mesh.castShadow = style.opacity >= 1;
  if (mesh.castShadow) mesh.customDepthMaterial = batchDepthMaterial(material);
  return { mesh, geoms: members.map((m) => m.k), rows };
}

/**
 * Concatenates indexed geometries (attributes `names`), keeping them indexed:
 * software GL transforms every vertex a draw call references, so a vertex
 * shared by six triangles is better transformed once.
 */
function mergeGeometries(parts: THREE.BufferGeometry[], names: string[]): THREE.BufferGeometry {
  const merged = new THREE.BufferGeometry();
  for (const name of names) {
    const size = parts[0].getAttribute(name).itemSize;
    const data = new Float32Array(parts.reduce((s, p) => s + p.getAttribute(name).array.length, 0));
    let at = 0;
    for (const p of parts) {
      data.set(p.getAttribute(name).array as Float32Array, at);
      at += p.getAttribute(name).array.length;
    }
    merged.setAttribute(name, new THREE.Float32BufferAttribute(data, size));
  }
  const index: number[] = [];
  let base = 0;
  for (const p of parts) {
    const n = p.getAttribute('position').count;
    const own = p.index ? Array.from(p.index.array) : Array.from({ length: n }, (_, i) => i);
    for (const i of own) index.push(base + i);
    base += n;
  }
  merged.setIndex(index);
  return merged;
}

function buildFloor(g: VisualGeom, style: GeomStyle): THREE.Mesh {
  const geometry = geomGeometry(g)!;
  const mesh = new THREE.Mesh(geometry, floorMaterial(g.rgba, style.sky ?? new THREE.Color(0xd9e1ea)));
  mesh.name = g.name || `geom ${g.index}`;
  mesh.matrixAutoUpdate = false;
  const catcher = new THREE.Mesh(geometry, new THREE.ShadowMaterial({ opacity: 0.3, depthWrite: false }));
  catcher.name = SHADOW_CATCHER;
  catcher.receiveShadow = true;
  catcher.matrixAutoUpdate = false;
  catcher.visible = false;
  mesh.add(catcher);
  return mesh;
}

/** The floor and the bodies of a model, the bodies in batches of up to BATCH_GEOMS geoms. */
export function buildGeomObjects(geoms: readonly VisualGeom[], style: GeomStyle = { opacity: 1 }): GeomObjects {
  const floorGeom = geoms.findIndex((g) => g.type === 'plane');
  // A ghost is drawn over the scene of the replay it overlays: it brings no second floor.
  const floor = floorGeom >= 0 && style.opacity >= 1 ? buildFloor(geoms[floorGeom], style) : null;
  const bodies = geoms.flatMap((g, k) => {
    const shape = g.type === 'plane' ? null : geomGeometry(g, style.detail);
    return shape ? [{ k, shape }] : [];
  });
  const batches: BodyBatch[] = [];
  for (let i = 0; i < bodies.length; i += BATCH_GEOMS) batches.push(buildBatch(geoms, bodies.slice(i, i + BATCH_GEOMS), style));
  return { floor, floorGeom, batches };
}

/** Moves the geoms of `objects` to their poses at frame `k` of `frames`. */
export function poseGeomObjects(objects: GeomObjects, frames: ReplayFrames, k: number): void {
  for (const b of objects.batches) b.geoms.forEach((g, slot) => frames.rows(k, g, b.rows, 12 * slot));
  if (objects.floor) {
    frames.matrix(k, objects.floorGeom, objects.floor.matrix.elements);
    objects.floor.matrixWorldNeedsUpdate = true;
  }
}
