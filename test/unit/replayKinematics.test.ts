/**
 * The viewer places each geom where MuJoCo's kinematics put it: for every env,
 * the torso's (or the pole's) transform at the initial qpos, as its batch's
 * vertex shader reads it, equals geom_xpos/geom_xmat computed here with the
 * env's own model, capsules run along MuJoCo's local z, every body geom is in
 * exactly one batch, and a body high in z is drawn high on screen.
 */
import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import type { Replay } from '../../src/shared/api';
import type { VisualGeom } from '../../src/shared/geometry';
import { ENV_IDS } from '../../src/shared/envCatalog';
import { GeomPoser, modelGeometry } from '../../src/main/core/sim/geometry';
import { SimModel } from '../../src/main/core/sim/simModel';
import { quaternions } from '../../src/main/core/views/replay';
import { ReplayFrames } from '../../src/renderer/src/lib/replay/frames';
import { aimFloor, BATCH_GEOMS, buildGeomObjects, geomGeometry, poseGeomObjects, type BodyBatch } from '../../src/renderer/src/lib/replay/geomObjects';
import { defaultOrbit, placeCamera } from '../../src/renderer/src/lib/replay/orbit';

const TRACKED: Record<string, string> = {
  'InvertedPendulum-v5': 'pole',
  'Hopper-v5': 'torso',
  'Walker2d-v5': 'torso',
  'HalfCheetah-v5': 'torso',
  'Ant-v5': 'torso',
  'Humanoid-v5': 'torso',
  'HumanoidStandup-v5': 'torso',
};

/** A replay of one frame at the env's initial qpos, encoded as the backend sends it. */
async function initialReplay(env: string): Promise<{ replay: Replay; sim: SimModel }> {
  const sim = await SimModel.load(env);
  const geometry = modelGeometry(sim);
  const poser = new GeomPoser(sim, geometry);
  const poses = poser.poses(sim.initQpos);
  poser.dispose();
  const b64 = (a: Float64Array) => Buffer.from(Float32Array.from(a).buffer).toString('base64');
  const replay: Replay = {
    trajectoryId: 1,
    env,
    frames: 1,
    dt: sim.spec.dt,
    geoms: [...geometry.geoms],
    positions: b64(poses.position),
    quaternions: Buffer.from(quaternions(poses.rotation).buffer).toString('base64'),
    rewards: [],
    return: 0,
    label: '',
    idx: 0,
    source: { datasetId: null, runId: null, name: 'test' },
    end: { kind: 'ended', condition: null },
    trackBodyId: 1,
  };
  return { replay, sim };
}

/** The vertices of slot `slot` of a batch, in their geom's frame. */
function slotVertices(batch: BodyBatch, slot: number): THREE.Vector3[] {
  const position = batch.mesh.geometry.getAttribute('position');
  const slots = batch.mesh.geometry.getAttribute('geomSlot');
  const out: THREE.Vector3[] = [];
  for (let i = 0; i < position.count; i++) if (slots.getX(i) === slot) out.push(new THREE.Vector3().fromBufferAttribute(position, i));
  return out;
}

/** Where the batch's vertex shader puts local point `v` given its slot's rows of [R | p]. */
function placed(rows: Float32Array, v: THREE.Vector3): THREE.Vector3 {
  const row = (r: number) => rows[4 * r] * v.x + rows[4 * r + 1] * v.y + rows[4 * r + 2] * v.z + rows[4 * r + 3];
  return new THREE.Vector3(row(0), row(1), row(2));
}

describe.each(ENV_IDS.map((e) => [e]))('replay kinematics: %s', (env) => {
  it('places the tracked geom at MuJoCo\'s geom_xpos / geom_xmat for the initial qpos', async () => {
    const { replay, sim } = await initialReplay(env);
    try {
      const frames = new ReplayFrames(replay);
      const objects = buildGeomObjects(replay.geoms);
      poseGeomObjects(objects, frames, 0);
      const k = replay.geoms.findIndex((g) => g.bodyName === TRACKED[env]);
      expect(k, `a visual geom on body ${TRACKED[env]}`).toBeGreaterThanOrEqual(0);
      const batch = objects.batches.find((b) => b.geoms.includes(k))!;
      const slot = batch.geoms.indexOf(k);

      // MuJoCo's own answer, from a fresh MjData of the same model.
      const data = new sim.mj.MjData(sim.model);
      try {
        (data.qpos as Float64Array).set(sim.initQpos);
        sim.mj.mj_kinematics(sim.model, data);
        const g = replay.geoms[k].index;
        const xpos = Array.from((data.geom_xpos as Float64Array).subarray(3 * g, 3 * g + 3));
        const xmat = Array.from((data.geom_xmat as Float64Array).subarray(9 * g, 9 * g + 9));
        const rows = batch.rows.subarray(12 * slot, 12 * slot + 12);
        for (let r = 0; r < 3; r++) {
          expect(rows[4 * r + 3]).toBeCloseTo(xpos[r], 5);
          for (let c = 0; c < 3; c++) expect(rows[4 * r + c]).toBeCloseTo(xmat[3 * r + c], 5);
        }

        // The drawn shape is oriented like MuJoCo's: a capsule's far end lies along the geom's local z.
        const geom = replay.geoms[k];
        const local = slotVertices(batch, slot);
        if (geom.type === 'capsule') {
          const top = Math.max(...local.map((v) => v.z));
          expect(top).toBeCloseTo(geom.size[0] + geom.size[1], 5);
          expect(Math.max(...local.map((v) => v.x))).toBeCloseTo(geom.size[0], 2);
          const tip = placed(rows, new THREE.Vector3(0, 0, top));
          const axis = [xmat[2], xmat[5], xmat[8]];
          [tip.x, tip.y, tip.z].forEach((v, i) => expect(v).toBeCloseTo(xpos[i] + axis[i] * top, 4));
        }
      } finally {
        data.delete();
      }
    } finally {
      sim.dispose();
    }
  });
});

describe('geom batches', () => {
  const geom = (i: number, type: VisualGeom['type'] = 'sphere'): VisualGeom => ({ index: i, name: `g${i}`, type, size: [0.1, 0.2, 0.1], rgba: [i / 50, 0.5, 0.5, 1], bodyId: i, bodyName: `b${i}` });

  it('draws every body geom in exactly one batch of at most BATCH_GEOMS, one draw call each, and the floor apart', () => {
    const geoms = [geom(0, 'plane'), ...Array.from({ length: 40 }, (_, i) => geom(i + 1, i % 2 ? 'capsule' : 'box')), geom(41, 'mesh')];
    const { floor, floorGeom, batches } = buildGeomObjects(geoms);
    expect(floor).not.toBeNull();
    expect(floorGeom).toBe(0);
    expect(batches.map((b) => b.geoms.length)).toEqual([BATCH_GEOMS, 40 - BATCH_GEOMS]);
    expect(batches.flatMap((b) => b.geoms)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const b of batches) {
      // Indexed: every vertex is transformed once per draw however many triangles share it.
      expect(b.mesh.geometry.index!.count).toBeGreaterThan(2 * b.mesh.geometry.getAttribute('position').count);
      expect(b.mesh.frustumCulled).toBe(false);
      const slots = new Set(Array.from(b.mesh.geometry.getAttribute('geomSlot').array));
      expect([...slots].sort((x, y) => x - y)).toEqual(b.geoms.map((_, s) => s));
    }
  });

  it('draws coarse shapes with the same size and at most half the triangles', () => {
    const shapes: VisualGeom[] = [
      { ...geom(1, 'sphere'), size: [0.09, 0, 0] },
      { ...geom(2, 'capsule'), size: [0.06, 0.2, 0] },
      { ...geom(3, 'cylinder'), size: [0.05, 0.3, 0] },
      { ...geom(4, 'ellipsoid'), size: [0.1, 0.2, 0.3] },
    ];
    for (const g of shapes) {
      const fine = geomGeometry(g, 'fine')!;
      const coarse = geomGeometry(g, 'coarse')!;
      expect(coarse.index!.count, g.type).toBeLessThanOrEqual(0.5 * fine.index!.count);
      fine.computeBoundingBox();
      coarse.computeBoundingBox();
      // The extent along MuJoCo's z (a capsule's and cylinder's axis) is exact; across it a polygon's corners reach the radius.
      expect(coarse.boundingBox!.max.z, g.type).toBeCloseTo(fine.boundingBox!.max.z, 6);
      expect(coarse.boundingBox!.max.x, g.type).toBeCloseTo(g.size[0], 6);
    }
    const [fine, coarse] = (['fine', 'coarse'] as const).map((detail) => buildGeomObjects(shapes, { opacity: 1, detail }).batches[0].mesh.geometry.index!.count);
    expect(coarse).toBeLessThan(0.5 * fine);
  });

  it('gives each vertex its geom\'s colour, and ghosts their tint and no floor', () => {
    const geoms = [geom(0, 'plane'), geom(1), geom(2, 'capsule')];
    const { batches } = buildGeomObjects(geoms);
    const color = batches[0].mesh.geometry.getAttribute('geomColor');
    const slots = batches[0].mesh.geometry.getAttribute('geomSlot');
    const want = (k: number) => new THREE.Color().setRGB(geoms[k].rgba[0], 0.5, 0.5, THREE.SRGBColorSpace);
    for (let i = 0; i < color.count; i += 37) expect(color.getX(i)).toBeCloseTo(want(batches[0].geoms[slots.getX(i)]).r, 6);
    const ghost = buildGeomObjects(geoms, { opacity: 0.4, tint: 0xff0000 });
    expect(ghost.floor).toBeNull();
    expect(ghost.batches[0].mesh.castShadow).toBe(false);
    const g = ghost.batches[0].mesh.geometry.getAttribute('geomColor');
    expect([g.getX(0), g.getY(0), g.getZ(0)]).toEqual([1, 0, 0]);
  });
});

describe('poses on the wire', () => {
  it('carries orientations as quaternions that give back MuJoCo\'s matrices, near 180° about any axis too', () => {
    const axes = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 2, -3], [-0.3, 0.1, 0.9]];
    const angles = [0, 0.4, 2, 3.1, Math.PI, -2.7];
    const mats = axes.flatMap((a) => angles.map((t) => new THREE.Matrix4().makeRotationAxis(new THREE.Vector3(...a).normalize(), t)));
    // Row-major 3 × 3, as MuJoCo's xmat.
    const rotation = Float64Array.from(mats.flatMap((m) => { const e = m.elements; return [e[0], e[4], e[8], e[1], e[5], e[9], e[2], e[6], e[10]]; }));
    const q = quaternions(rotation);
    const replay = { frames: mats.length, geoms: [{ index: 0, name: 'g', type: 'sphere', size: [0.1, 0, 0], rgba: [1, 1, 1, 1], bodyId: 1, bodyName: 'b' }], positions: Buffer.from(new Float32Array(3 * mats.length).buffer).toString('base64'), quaternions: Buffer.from(q.buffer).toString('base64'), rewards: [], trackBodyId: 1 } as unknown as Replay;
    const frames = new ReplayFrames(replay);
    const rows = new Float32Array(12);
    mats.forEach((_, f) => {
      expect(Math.hypot(...q.subarray(4 * f, 4 * f + 4))).toBeCloseTo(1, 6);
      frames.rows(f, 0, rows);
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) expect(rows[4 * r + c], `matrix ${f} [${r}][${c}]`).toBeCloseTo(rotation[9 * f + 3 * r + c], 6);
    });
  });
});

describe('floor', () => {
  it('fades into the sky between 2.5 d + 10 and 6 d + 40 m, and blurs cells finer than a pixel sooner seen from lower', () => {
    const floor = buildGeomObjects([{ index: 0, name: 'floor', type: 'plane', size: [0, 0, 0.05], rgba: [1, 1, 1, 1], bodyId: 0, bodyName: 'world' }]).floor!;
    const u = (floor.material as THREE.ShaderMaterial).uniforms;
    aimFloor(floor, { distance: 4, height: 2, fovDeg: 45, pixelsHigh: 720 });
    const fog = (depth: number) => Math.min(1, Math.max(0, depth * u.fog.value.x + u.fog.value.y));
    expect(fog(20)).toBeCloseTo(0, 6);
    expect(fog(64)).toBeCloseTo(1, 6);
    expect(fog(42)).toBeCloseTo(0.5, 6);
    const high = u.footprint.value as number;
    aimFloor(floor, { distance: 4, height: 0.5, fovDeg: 45, pixelsHigh: 720 });
    expect(u.footprint.value).toBeCloseTo(4 * high, 9);
    aimFloor(floor, { distance: 4, height: 0.5, fovDeg: 45, pixelsHigh: 360 });
    expect(u.footprint.value).toBeCloseTo(8 * high, 9);
  });
});

describe('replay camera', () => {
  it('draws a point higher in world z higher on screen, and +x to the right', () => {
    const camera = new THREE.PerspectiveCamera(45, 16 / 9, 0.05, 400);
    placeCamera(camera, defaultOrbit(4), new THREE.Vector3(0, 0, 1));
    camera.updateProjectionMatrix();
    const ndc = (x: number, y: number, z: number) => new THREE.Vector3(x, y, z).project(camera);
    const low = ndc(0, 0, 0.5);
    const high = ndc(0, 0, 1.5);
    expect(high.y).toBeGreaterThan(low.y + 0.2);
    expect(ndc(1, 0, 1).x).toBeGreaterThan(ndc(-1, 0, 1).x + 0.2);
  });

  it('draws Hopper\'s torso above its foot at the initial pose', async () => {
    const { replay, sim } = await initialReplay('Hopper-v5');
    sim.dispose();
    const frames = new ReplayFrames(replay);
    const camera = new THREE.PerspectiveCamera(45, 16 / 9, 0.05, 400);
    const torso = frames.position(0, replay.geoms.findIndex((g) => g.bodyName === 'torso'));
    const foot = frames.position(0, replay.geoms.findIndex((g) => g.bodyName === 'foot'));
    placeCamera(camera, defaultOrbit(4), new THREE.Vector3(...torso));
    camera.updateProjectionMatrix();
    const rowOf = (p: [number, number, number]) => ((1 - new THREE.Vector3(...p).project(camera).y) / 2) * 720;
    expect(torso[2]).toBeGreaterThan(foot[2] + 0.5);
    expect(rowOf(torso)).toBeLessThan(rowOf(foot) - 50);
  });
});
