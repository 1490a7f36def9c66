/**
 * The viewer places each geom where MuJoCo's kinematics put it: for every env,
 * the torso's (or the pole's) three.js world matrix at the initial qpos equals
 * geom_xpos/geom_xmat computed here with the env's own model, capsules run
 * along MuJoCo's local z, and a body high in z is drawn high on screen.
 */
import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import type { Replay } from '../../src/shared/api';
import { ENV_IDS } from '../../src/shared/envCatalog';
import { GeomPoser, modelGeometry } from '../../src/main/core/sim/geometry';
import { SimModel } from '../../src/main/core/sim/simModel';
import { ReplayFrames } from '../../src/renderer/src/lib/replay/frames';
import { buildGeomObjects } from '../../src/renderer/src/lib/replay/geomObjects';
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
    rotations: b64(poses.rotation),
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

describe.each(ENV_IDS.map((e) => [e]))('replay kinematics: %s', (env) => {
  it('places the tracked geom at MuJoCo\'s geom_xpos / geom_xmat for the initial qpos', async () => {
    const { replay, sim } = await initialReplay(env);
    try {
      const frames = new ReplayFrames(replay);
      const meshes = buildGeomObjects(replay.geoms);
      const k = replay.geoms.findIndex((g) => g.bodyName === TRACKED[env]);
      expect(k, `a visual geom on body ${TRACKED[env]}`).toBeGreaterThanOrEqual(0);
      const mesh = meshes[k]!;
      frames.matrix(0, k, mesh.matrix.elements);
      mesh.updateMatrixWorld(true);

      // MuJoCo's own answer, from a fresh MjData of the same model.
      const data = new sim.mj.MjData(sim.model);
      try {
        (data.qpos as Float64Array).set(sim.initQpos);
        sim.mj.mj_kinematics(sim.model, data);
        const g = replay.geoms[k].index;
        const xpos = Array.from((data.geom_xpos as Float64Array).subarray(3 * g, 3 * g + 3));
        const xmat = Array.from((data.geom_xmat as Float64Array).subarray(9 * g, 9 * g + 9));
        const p = new THREE.Vector3().setFromMatrixPosition(mesh.matrixWorld);
        [p.x, p.y, p.z].forEach((v, i) => expect(v).toBeCloseTo(xpos[i], 5));
        const e = mesh.matrixWorld.elements;
        for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) expect(e[4 * c + r]).toBeCloseTo(xmat[3 * r + c], 5);

        // The drawn shape is oriented like MuJoCo's: a capsule's far end lies along the geom's local z.
        const geom = replay.geoms[k];
        mesh.geometry.computeBoundingBox();
        const box = mesh.geometry.boundingBox!;
        if (geom.type === 'capsule') {
          expect(box.max.z).toBeCloseTo(geom.size[0] + geom.size[1], 5);
          expect(box.max.x).toBeCloseTo(geom.size[0], 2);
          const tip = new THREE.Vector3(0, 0, box.max.z).applyMatrix4(mesh.matrixWorld);
          const axis = [xmat[2], xmat[5], xmat[8]];
          [tip.x, tip.y, tip.z].forEach((v, i) => expect(v).toBeCloseTo(xpos[i] + axis[i] * box.max.z, 4));
        }
      } finally {
        data.delete();
      }
    } finally {
      sim.dispose();
    }
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
