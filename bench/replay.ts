/**
 * The replay's performance as a user meets it, against `imlab serve` and
 * Debian's headless Chromium with software WebGL (ANGLE on SwiftShader), on
 * four synthetic Humanoid trajectories of 1,000 steps (the initial qpos with
 * every hinge swinging: real MuJoCo kinematics of plausible postures):
 *
 *   npm run bench:replay -- [--json] [--seconds 6] [--width 1280] [--height 720] [--full-resolution]
 *
 * - getReplay of one trajectory over HTTP, cold and from a warm cache: wall
 *   time, and the serve process's CPU time per call (the machine is shared:
 *   CPU time is what the call costs, wall time what it waited too).
 * - Opening a replay: from the click on a Replay link of the picker to the
 *   first frame drawn (the viewer's `imlab:replay-drawn` mark, then the next
 *   frame), cold (first getReplay of that trajectory) and warm, and the part
 *   until getReplay's answer arrived (`imlab:replay-fetched`).
 * - Playback at 4× (so every frame shows a new pose) on a canvas of
 *   width × height CSS pixels, one view and four synchronised views: frame
 *   time (rAF to rAF, frame-rate limit off) p50/p95, and the CPU time per
 *   frame of the page's main thread and of the GPU process (SwiftShader
 *   renders there), from Chromium's own process accounting. On software GL the
 *   page draws half the resolution by default; --full-resolution ticks its
 *   switch first.
 *
 * --trace FILE writes a Chromium trace of the one-view playback window (GPU
 * process and renderer threads, for chrome://tracing or Perfetto).
 */
import { readFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { ensureAppBuilt } from '../src/main/appBuild';
import { dataHome } from '../src/main/core/home';
import { SimModel } from '../src/main/core/sim/simModel';
import { Store } from '../src/main/core/store/store';
import { tempDir } from '../test/helpers/runs';
import { CHROMIUM, SOFTWARE_GL_FLAGS, startServe } from '../test/helpers/serve';
import { machineInfo } from './machine';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '6' },
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '720' },
    'full-resolution': { type: 'boolean', default: false },
    trace: { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const WIDTH = Number(args.width);
const HEIGHT = Number(args.height);
const STEPS = 1000;
const VIEWS = 4;

const pct = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round = (x: number) => Math.round(x * 10) / 10;
const log = (s: string) => args.json || console.error(s);

/** Four Humanoid episodes with the hinges swinging out of phase, so the views differ. */
async function seed(home: string): Promise<number[]> {
  const sim = await SimModel.load('Humanoid-v5');
  const { nq, nv } = sim;
  const { obsDim, actDim } = sim.spec;
  const trajectories = Array.from({ length: VIEWS }, (_, v) => {
    const qpos = new Float64Array((STEPS + 1) * nq);
    for (let f = 0; f <= STEPS; f++) {
      for (let i = 0; i < nq; i++) qpos[f * nq + i] = sim.initQpos[i] + (i >= 7 ? 0.4 * Math.sin(0.05 * f + i + v) : 0);
      qpos[f * nq] = 0.01 * f;
    }
    const rewards = Float32Array.from({ length: STEPS }, (_, t) => 5 + Math.sin(0.02 * t + v));
    return {
      obs: new Float32Array(STEPS * obsDim), actions: new Float32Array(STEPS * actDim), rewards, qpos, qvel: new Float64Array((STEPS + 1) * nv),
      return: rewards.reduce((a, b) => a + b, 0), length: STEPS, terminated: false,
    };
  });
  sim.dispose();
  const store = new Store(dataHome(home).dbPath);
  try {
    const datasetId = store.insertDataset({ env: 'Humanoid-v5', obsDim, actDim, nq, nv, source: { synthetic: true }, trajectories }, 'bench humanoid', null);
    return store.listTrajectories({ datasetId }).map((t) => t.id);
  } finally {
    store.close();
  }
}

/** User + system CPU milliseconds of a process so far (Linux clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function timeGetReplay(url: string, servePid: number, trajectoryId: number, calls: number) {
  const { origin, searchParams } = new URL(url);
  const call = async () => {
    const cpu0 = cpuMs(servePid);
    const t0 = performance.now();
    const res = await fetch(`${origin}/api/getReplay`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-imlab-token': searchParams.get('token')! }, body: JSON.stringify({ trajectoryId }) });
    const body = await res.arrayBuffer();
    if (!res.ok) throw new Error(`getReplay: HTTP ${res.status}`);
    return { ms: performance.now() - t0, serveCpuMs: cpuMs(servePid) - cpu0, bytes: body.byteLength };
  };
  const cold = await call();
  const warm = [];
  for (let i = 0; i < calls; i++) warm.push(await call());
  return {
    responseBytes: cold.bytes,
    coldMs: round(cold.ms),
    warmMedianMs: round(pct(warm.map((w) => w.ms), 50)),
    warmMaxMs: round(Math.max(...warm.map((w) => w.ms))),
    // Ticks are 10 ms: the mean over the calls says more than any one call.
    warmServeCpuMsPerCall: round(warm.reduce((s, w) => s + w.serveCpuMs, 0) / warm.length),
  };
}

/** CPU milliseconds of the GPU process and of all renderers, from Chromium's process accounting. */
async function chromiumCpu(cdp: CDPSession): Promise<{ gpu: number; renderer: number }> {
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; cpuTime: number }[] };
  const sum = (type: string) => processInfo.filter((p) => p.type === type).reduce((s, p) => s + p.cpuTime * 1000, 0);
  return { gpu: sum('GPU'), renderer: sum('renderer') };
}

const DRAWN = `new Promise((resolve) => {
  const seen = () => performance.getEntriesByName('imlab:replay-drawn').length > 0;
  const wait = () => (seen() ? requestAnimationFrame(() => setTimeout(() => resolve(performance.now()))) : setTimeout(wait, 5));
  wait();
})`;

/** Clicks the picker's Replay link of row `row`: ms from the click to the first frame drawn, and to the replay's arrival. */
async function openByClick(page: Page, origin: string, row: number): Promise<{ drawn: number; fetched: number; draw: DrawInfo }> {
  await page.goto('about:blank');
  await page.goto(`${origin}/#/replay`);
  await page.getByTestId('replay-source').selectOption({ index: 1 });
  const link = page.getByTestId('replay-link').nth(row);
  await link.waitFor();
  await page.evaluate(`performance.clearMarks(); document.addEventListener('click', () => (window.clickedAt = performance.now()), { capture: true, once: true })`);
  await link.click();
  const drawnAt = (await page.evaluate(DRAWN)) as number;
  const clickedAt = (await page.evaluate('window.clickedAt')) as number;
  const fetchedAt = (await page.evaluate(`performance.getEntriesByName('imlab:replay-fetched')[0].startTime`)) as number;
  return { drawn: drawnAt - clickedAt, fetched: fetchedAt - clickedAt, draw: await drawInfo(page) };
}

/** three.js's count for the first frame: draw calls of all views, programs linked in the page so far. */
interface DrawInfo {
  drawCalls: number;
  triangles: number;
  programs: number;
}

async function drawInfo(page: Page): Promise<DrawInfo> {
  return (await page.evaluate(`performance.getEntriesByName('imlab:replay-drawn')[0].detail`)) as DrawInfo;
}

const FRAMES = (ms: number) => `new Promise((resolve) => {
  const out = [];
  let last = 0;
  const t0 = performance.now();
  const step = (t) => {
    if (last) out.push(t - last);
    last = t;
    if (t - t0 < ${ms}) requestAnimationFrame(step);
    else resolve(out);
  };
  requestAnimationFrame(step);
})`;

const TRACE_CATEGORIES = ['toplevel', 'gpu', 'gpu.service', 'viz', 'cc', 'blink', 'v8', 'disabled-by-default-gpu.service', 'disabled-by-default-devtools.timeline'];

async function playback(page: Page, cdp: CDPSession, origin: string, ids: number[], trace?: string) {
  await page.goto('about:blank');
  await page.goto(`${origin}/#/replay?traj=${ids.join(',')}`);
  await page.locator('[data-testid=replay-canvas][data-drawn="1"]').waitFor({ timeout: 120_000 });
  if (args['full-resolution']) {
    await page.getByTestId('sharp').check();
    await page.waitForTimeout(500);
  }
  const draw = await drawInfo(page);
  const size = (await page.evaluate(`(() => { const c = document.querySelector('[data-testid=replay-canvas]'); return { css: [c.clientWidth, c.clientHeight], drawn: [c.width, c.height] }; })()`)) as { css: number[]; drawn: number[] };
  await page.getByTestId('speed').selectOption('4');
  await page.getByTestId('play').click();
  await page.waitForTimeout(500);
  const main = await page.context().newCDPSession(page);
  await main.send('Performance.enable');
  const task0 = await taskMs(main);
  if (trace) await page.context().browser()!.startTracing(page, { path: trace, categories: TRACE_CATEGORIES });
  const cpu0 = await chromiumCpu(cdp);
  const frames = (await page.evaluate(FRAMES(SECONDS * 1000))) as number[];
  const playing = (await page.getByTestId('play').textContent()) === 'Pause';
  const cpu1 = await chromiumCpu(cdp);
  if (trace) await page.context().browser()!.stopTracing();
  const task1 = await taskMs(main);
  await page.getByTestId('play').click();
  await main.detach();
  if (!playing) throw new Error('the replay was not playing while frames were timed');
  const n = frames.length;
  return {
    views: ids.length,
    canvasCssPx: size.css,
    canvasDrawnPx: size.drawn,
    drawCallsPerFrame: draw.drawCalls,
    trianglesPerFrame: draw.triangles,
    frames: n,
    frameP50Ms: round(pct(frames, 50)),
    frameP95Ms: round(pct(frames, 95)),
    mainThreadBusyMsPerFrame: round((task1.task - task0.task) / n),
    scriptMsPerFrame: round((task1.script - task0.script) / n),
    rendererProcessCpuMsPerFrame: round((cpu1.renderer - cpu0.renderer) / n),
    gpuProcessCpuMsPerFrame: round((cpu1.gpu - cpu0.gpu) / n),
  };
}

/** The page's main-thread busy time and the part of it in script, ms. */
async function taskMs(s: CDPSession): Promise<{ task: number; script: number }> {
  const { metrics } = (await s.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const get = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  return { task: get('TaskDuration'), script: get('ScriptDuration') };
}

async function main(): Promise<void> {
  ensureAppBuilt();
  const home = tempDir('bench-replay');
  const ids = await seed(home);
  const serve = await startServe(home);
  const origin = new URL(serve.url).origin;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu-vsync', '--disable-frame-rate-limit', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...SOFTWARE_GL_FLAGS],
  });
  try {
    const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
    const loadBefore = load();
    log('getReplay…');
    const getReplay = await timeGetReplay(serve.url, serve.child.pid!, ids[VIEWS - 1], 10);
    const context = await browser.newContext({ viewport: { width: WIDTH + 64, height: 1100 }, colorScheme: 'light' });
    const page = await context.newPage();
    // Cookie for the API: the first load carries the token.
    await page.goto(serve.url);
    log('opening…');
    const openCold = await openByClick(page, origin, 0);
    const openWarm = await openByClick(page, origin, 0);
    // Size the window so the canvas is WIDTH × HEIGHT CSS pixels.
    const css = (await page.evaluate(`(() => { const c = document.querySelector('[data-testid=replay-canvas]'); return [c.clientWidth, c.clientHeight, innerWidth, innerHeight]; })()`)) as number[];
    await page.setViewportSize({ width: css[2] + WIDTH - css[0], height: Math.max(css[3], Math.ceil(HEIGHT / 0.72) + 1) });
    const cdp = await browser.newBrowserCDPSession();
    log('one view…');
    const one = await playback(page, cdp, origin, ids.slice(0, 1), args.trace);
    log('four views…');
    const four = await playback(page, cdp, origin, ids);
    const result = {
      machine: machineInfo(),
      loadAverage: { before: loadBefore, after: load() },
      chromium: `${CHROMIUM} ${SOFTWARE_GL_FLAGS.join(' ')}`,
      env: 'Humanoid-v5',
      frames: STEPS + 1,
      getReplay: { ...getReplay, targetWarmMs: 200 },
      open: {
        clickToFirstFrameColdMs: round(openCold.drawn),
        clickToFirstFrameWarmMs: round(openWarm.drawn),
        // Of which: until getReplay's answer arrived (then decoding, the scene, shader compilation, the first draw).
        clickToReplayArrivedColdMs: round(openCold.fetched),
        clickToReplayArrivedWarmMs: round(openWarm.fetched),
        firstFrameWarm: openWarm.draw,
        targetMs: 500,
      },
      playbackOneView: { ...one, targetP95Ms: 16 },
      playbackFourViews: { ...four, targetP95Ms: 33 },
    };
    console.log(args.json ? JSON.stringify(result, null, 2) : result);
  } finally {
    await browser.close();
    serve.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
