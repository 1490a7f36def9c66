/**
 * One WebGL context for the page's life, shared by every replay viewer it
 * shows. Software GL takes most of a second to create a context, link the
 * viewer's programs and build their pipelines before a first frame; with one
 * context that is paid once, and `warmUpReplayGl` pays it while the canvas is
 * still detached (nothing is composited, so nothing waits for it) and the
 * replay is still on its way.
 */
import * as THREE from 'three';
import type { VisualGeom } from '../../../../shared/geometry';
import { buildGeomObjects, LIGHT } from './geomObjects';

export interface ReplayGl {
  canvas: HTMLCanvasElement;
  renderer: THREE.WebGLRenderer;
  /** True where WebGL runs on the CPU (SwiftShader, llvmpipe): shadows and full resolution then start off. */
  softwareGl: boolean;
}

let shared: ReplayGl | null = null;
let warm: Promise<void> | null = null;

export function replayGl(): ReplayGl {
  if (!shared) {
    const canvas = document.createElement('canvas');
    const renderer = new THREE.WebGLRenderer({ canvas, antialias: false, alpha: false, preserveDrawingBuffer: false, powerPreference: 'high-performance' });
    shared = { canvas, renderer, softwareGl: isSoftwareGl(renderer.getContext()) };
  }
  return shared;
}

/** A floor and one body: the two programs every replay draws with. */
const WARM_GEOMS: VisualGeom[] = [
  { index: 0, name: 'floor', type: 'plane', size: [0, 0, 0.05], rgba: [1, 1, 1, 1], bodyId: 0, bodyName: 'world' },
  { index: 1, name: 'body', type: 'sphere', size: [0.1, 0, 0], rgba: [1, 1, 1, 1], bodyId: 1, bodyName: 'body' },
];

/**
 * Links the viewer's programs (without blocking where KHR_parallel_shader_compile
 * exists; SwiftShader lacks it, and the link then waits here, before the
 * replay is opened) and draws them once, so their pipelines are built too.
 * The objects stay alive: three releases a program with the last material
 * that uses it.
 */
export function warmUpReplayGl(): Promise<void> {
  if (warm) return warm;
  let renderer: THREE.WebGLRenderer;
  try {
    renderer = replayGl().renderer;
  } catch {
    // No WebGL here: opening a replay meets the same failure, and says so then.
    warm = Promise.resolve();
    return warm;
  }
  const scene = new THREE.Scene();
  const { floor, batches } = buildGeomObjects(WARM_GEOMS);
  // A program is reused only for the same light counts: the stage's scenes have one sun.
  scene.add(floor!, ...batches.map((b) => b.mesh), new THREE.DirectionalLight(0xffffff, LIGHT.sun));
  // Drawn however little of it is in view: the draw call is what builds the pipeline.
  floor!.frustumCulled = false;
  const camera = new THREE.PerspectiveCamera(45, 1, 0.05, 400);
  camera.up.set(0, 0, 1);
  camera.position.set(0, -3, 1);
  camera.lookAt(0, 0, 0.5);
  warm = renderer
    .compileAsync(scene, camera)
    .then(() => {
      renderer.render(scene, camera);
      renderer.getContext().flush();
    })
    .catch(() => {
      // A failed warm-up only means the first frame compiles as before.
    });
  return warm;
}

function isSoftwareGl(gl: WebGLRenderingContext | WebGL2RenderingContext): boolean {
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return /swiftshader|llvmpipe|softpipe|software/i.test(name);
}
