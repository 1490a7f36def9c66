/**
 * One WebGL canvas drawing 1–4 synchronised views (scissored viewports, so a
 * side-by-side video is one canvas stream). Each view is a scene holding one
 * replay, plus ghosts drawn semi-transparent over it for the overlay mode.
 * The canvas and its context are the page's one (`replayGl`), kept across stages.
 */
import * as THREE from 'three';
import type { ReplayFrames } from './frames';
import { replayGl } from './glContext';
import { aimFloor, buildGeomObjects, LIGHT, poseGeomObjects, SHADOW_CATCHER, type Detail, type GeomObjects } from './geomObjects';
import { viewRects, type Rect } from './layout';
import { defaultOrbit, placeCamera, type OrbitState } from './orbit';

/** Colours of the ghosts in the overlay (after the solid first replay). */
export const GHOST_TINTS = [0xff7f0e, 0x2ca02c, 0xd62728];
const GHOST_OPACITY = 0.38;

interface Actor {
  frames: ReplayFrames;
  objects: GeomObjects;
}

interface View {
  scene: THREE.Scene;
  camera: THREE.PerspectiveCamera;
  sun: THREE.DirectionalLight;
  actors: Actor[];
  /** Where the camera looks when not following, and the followed body's height. */
  home: THREE.Vector3;
}

export interface StageOptions {
  shadows: boolean;
  background: number;
}

export class ReplayStage {
  readonly renderer: THREE.WebGLRenderer;
  readonly canvas: HTMLCanvasElement;
  orbit: OrbitState;
  follow = true;
  /** Called after every render (e.g. to push the frame to a video recorder). */
  afterRender: (() => void) | null = null;
  /** True where WebGL runs on the CPU (SwiftShader, llvmpipe): shadows are then off by default. */
  readonly softwareGl: boolean;
  private views: View[] = [];
  private frame = -1;
  /** Set by whatever changes the picture; render() clears it, so a still replay costs nothing. */
  private dirty = true;
  private readonly target = new THREE.Vector3();
  /** The canvas's size in CSS pixels; it is drawn at `scale` device pixels per CSS pixel. None yet: the shared canvas may have another stage's. */
  private size = { width: 0, height: 0 };
  private scale = 1;

  constructor(private readonly options: StageOptions) {
    const gl = replayGl();
    this.canvas = gl.canvas;
    this.renderer = gl.renderer;
    this.softwareGl = gl.softwareGl;
    this.renderer.shadowMap.enabled = options.shadows;
    this.renderer.shadowMap.type = THREE.PCFShadowMap;
    // One clear of the whole canvas per frame instead of one per view: on software GL a scissored
    // clear splits the frame into render passes, each storing and reloading the whole canvas.
    this.renderer.autoClear = false;
    this.renderer.setClearColor(options.background, 1);
    this.orbit = defaultOrbit(4);
  }

  /** The picture is out of date (the camera moved, a setting changed). */
  invalidate(): void {
    this.dirty = true;
  }

  get needsRender(): boolean {
    return this.dirty;
  }

  /** Each entry is one view: its first replay drawn solid, the rest as ghosts over it. */
  setViews(groups: ReplayFrames[][]): void {
    this.disposeViews();
    this.views = groups.map((group) => this.makeView(group));
    this.orbit = defaultOrbit(suggestedDistance(groups[0][0]));
    this.frame = -1;
    this.dirty = true;
  }

  /** Shadows cost a second pass per view; software GL may want them off. */
  setShadows(on: boolean): void {
    if (this.renderer.shadowMap.enabled === on) return;
    this.renderer.shadowMap.enabled = on;
    for (const v of this.views) {
      v.sun.castShadow = on;
      // Materials compile with or without shadow code: recompile once.
      v.scene.traverse((o) => {
        if (o.name === SHADOW_CATCHER) o.visible = on;
        if (o instanceof THREE.Mesh) (o.material as THREE.Material).needsUpdate = true;
      });
    }
    this.dirty = true;
  }

  resetView(): void {
    this.orbit = defaultOrbit(suggestedDistance(this.views[0]?.actors[0].frames));
    this.dirty = true;
  }

  get viewCount(): number {
    return this.views.length;
  }

  /** The camera of the first view (for pan scaling). */
  get camera(): THREE.PerspectiveCamera | undefined {
    return this.views[0]?.camera;
  }

  setFrame(f: number): void {
    if (f === this.frame) return;
    this.frame = f;
    this.dirty = true;
    for (const v of this.views) {
      for (const a of v.actors) poseGeomObjects(a.objects, a.frames, a.frames.clamp(f));
    }
  }

  /** The views on the canvas, in CSS pixels. */
  rects(): Rect[] {
    return viewRects(this.views.length, this.size.width, this.size.height);
  }

  /**
   * `scale` is drawn pixels per CSS pixel: the screen's device pixel ratio for
   * a sharp picture, or less where every pixel is costly (software GL fills
   * pixels at tens of nanoseconds each).
   */
  resize(width: number, height: number, scale: number): void {
    if (width === this.size.width && height === this.size.height && scale === this.scale) return;
    this.size = { width, height };
    this.scale = scale;
    this.renderer.setPixelRatio(scale);
    this.renderer.setSize(width, height, false);
    this.dirty = true;
  }

  /** Draw calls and triangles of the last render(), all views (three counts per render call). */
  drawCalls = 0;
  triangles = 0;

  render(): void {
    // three scales viewports by the pixel ratio: they are given in CSS pixels.
    const H = this.size.height;
    const rects = this.rects();
    this.drawCalls = 0;
    this.triangles = 0;
    this.renderer.setScissorTest(false);
    this.renderer.clear();
    this.renderer.setScissorTest(true);
    this.views.forEach((v, i) => {
      const r = rects[i];
      this.aim(v);
      v.camera.aspect = r.w / Math.max(1, r.h);
      v.camera.updateProjectionMatrix();
      placeCamera(v.camera, this.orbit, this.target);
      this.aimFloors(v, r.h);
      // Viewports count from the bottom in WebGL.
      this.renderer.setViewport(r.x, H - r.y - r.h, r.w, r.h);
      this.renderer.setScissor(r.x, H - r.y - r.h, r.w, r.h);
      this.renderer.render(v.scene, v.camera);
      this.drawCalls += this.renderer.info.render.calls;
      this.triangles += this.renderer.info.render.triangles;
    });
    this.dirty = false;
    this.afterRender?.();
  }

  /** Frees the scenes; the context stays for the next stage. */
  dispose(): void {
    this.disposeViews();
  }

  private aimFloors(v: View, cssHigh: number): void {
    for (const a of v.actors) {
      const floor = a.objects.floor;
      if (!floor) continue;
      const height = v.camera.position.z - floor.matrix.elements[14];
      aimFloor(floor, { distance: this.orbit.distance, height, fovDeg: v.camera.fov, pixelsHigh: cssHigh * this.scale });
    }
  }

  /** Sets this.target for view `v` and moves its sun (and shadow box) along. */
  private aim(v: View): void {
    const lead = v.actors[0].frames;
    if (this.follow) {
      const [x, y] = lead.position(lead.clamp(this.frame), lead.trackGeom);
      this.target.set(x, y, v.home.z);
    } else this.target.copy(v.home);
    this.target.add(this.orbit.pan);
    v.sun.position.copy(this.target).add(LIGHT.sunFrom);
    v.sun.target.position.copy(this.target);
    v.sun.target.updateMatrixWorld();
  }

  private makeView(group: ReplayFrames[]): View {
    const scene = new THREE.Scene();
    // No scene.background: render() clears the canvas once for all views.
    const sky = new THREE.Color(this.options.background);
    // Bodies shade themselves under LIGHT; this sun casts the shadows the floor's shadow catcher shows.
    const sun = new THREE.DirectionalLight(0xffffff, LIGHT.sun);
    sun.castShadow = this.options.shadows;
    sun.shadow.mapSize.set(1024, 1024);
    const s = sun.shadow.camera;
    s.left = s.bottom = -4;
    s.right = s.top = 4;
    s.near = 0.5;
    s.far = 30;
    sun.shadow.bias = -0.0005;
    scene.add(sun, sun.target);
    const actors = group.map((frames, i) => {
      const detail: Detail = this.softwareGl ? 'coarse' : 'fine';
      const style = i === 0 ? { opacity: 1, sky, detail } : { opacity: GHOST_OPACITY, tint: GHOST_TINTS[(i - 1) % GHOST_TINTS.length], detail };
      const objects = buildGeomObjects(frames.replay.geoms, style);
      for (const b of objects.batches) scene.add(b.mesh);
      if (objects.floor) {
        scene.add(objects.floor);
        objects.floor.getObjectByName(SHADOW_CATCHER)!.visible = this.renderer.shadowMap.enabled;
      }
      return { frames, objects };
    });
    const lead = group[0];
    const [x, y, z] = lead.position(0, lead.trackGeom);
    const camera = new THREE.PerspectiveCamera(45, 16 / 9, 0.05, 400);
    const view = { scene, camera, sun, actors, home: new THREE.Vector3(x, y, Math.max(0.3, z)) };
    return view;
  }

  private disposeViews(): void {
    for (const v of this.views) {
      v.scene.traverse((o) => {
        if (o instanceof THREE.Mesh) {
          o.geometry.dispose();
          (o.material as THREE.Material).dispose();
          o.customDepthMaterial?.dispose();
        }
      });
    }
    this.views = [];
  }
}

/** A camera distance that shows the whole model at its first frame with some room. */
export function suggestedDistance(frames: ReplayFrames | undefined): number {
  if (!frames) return 4;
  let extent = 0;
  const [cx, cy, cz] = frames.position(0, frames.trackGeom);
  frames.replay.geoms.forEach((g, i) => {
    if (g.type === 'plane') return;
    const [x, y, z] = frames.position(0, i);
    extent = Math.max(extent, Math.hypot(x - cx, y - cy, z - cz) + Math.max(...g.size));
  });
  return Math.max(1.5, 2.6 * extent + 0.8);
}
