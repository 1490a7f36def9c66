/**
 * The app's pages under load, measured in Debian's Chromium against
 * `imlab serve` on a temp data folder seeded directly through the Store:
 *   npm run bench:ui -- [--runs 10000] [--compare-runs 50] [--points 1500] [--json]
 * (a) Runs page with `runs` runs: first render after the data arrived (from
 *     the state's `imlab:runs-loaded` mark to the frame after it painted) —
 *     target < 300 ms; scrolling frame time p95 (rAF to rAF with the frame-rate
 *     limit off, 10 rows per frame) — target < 16 ms.
 * (b) Compare with `compare-runs` runs × `points` points overlaid: main-thread
 *     time (CDP TaskDuration, less an idle frame's) of one live point, pushed
 *     into its datasets and drawn in the next frame — target < 16 ms; of a
 *     burst of one point per run in one frame (they share the draw); and of a
 *     point outside the axes, which redraws the whole chart (a rescale). With
 *     each, how its frames were drawn: as strips, rescales or other full draws.
 * The machine is shared: timings are what this run saw.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { ensureAppBuilt } from '../src/main/appBuild';
import { dataHome } from '../src/main/core/home';
import { openDatabase } from '../src/main/core/store/database';
import { Store, type NewRun } from '../src/main/core/store/store';
import { machineInfo } from './machine';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    'compare-runs': { type: 'string', default: '50' },
    points: { type: 'string', default: '1500' },
    json: { type: 'boolean' },
  },
});
const RUNS = Number(args.runs);
const COMPARE = Number(args['compare-runs']);
const POINTS = Number(args.points);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ENVS = ['Hopper-v5', 'Humanoid-v5', 'HumanoidStandup-v5', 'Walker2d-v5'] as const;
const METHODS = ['bc', 'gail'] as const;

function seed(home: string): void {
  const h = dataHome(home);
  const store = new Store(h.dbPath);
  const runs: NewRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    const env = ENVS[i % ENVS.length];
    const method = METHODS[Math.floor(i / ENVS.length) % 2];
    const k = [1, 4, 11, 18, 25][Math.floor(i / 8) % 5];
    const s = Math.floor(i / 40) % 5;
    runs.push({ name: `${method}·${env}·k=${k}·s=${s}`, kind: method, env, method, trajectories: k, seed: s, status: 'succeeded', config: { kind: method, env, trajectories: k, seed: s, totalSteps: 1_000_000 } });
  }
  const ids = store.createRuns(runs, (id) => join(h.runsDir, String(id)));
  const t0 = Date.now() - RUNS * 60_000;
  // Finished runs' timings and numbers, set directly: no Store method writes them other than a run's own progress.
  const db = openDatabase(h.dbPath);
  const update = db.prepare('UPDATE runs SET started_at = ?, finished_at = ?, final_mean = ?, final_std = ?, final_episodes = 10, last_eval = ?, max_eval = ?, env_steps = 1000000, backend = ? WHERE id = ?');
  db.transaction(() => {
    ids.forEach((id, i) => {
      const mean = 500 + ((i * 7919) % 3000);
      update.run(t0 + i * 60_000, t0 + i * 60_000 + 3_600_000, mean, 30, mean - 20, mean + 40, 'wasm', id);
    });
  })();
  db.close();
  // The first `compare` runs get `points` iterations of a noisy rising return: seeds of a setting share its shape.
  for (const id of ids.slice(0, COMPARE)) {
    const rows = Array.from({ length: POINTS }, (_, j) => {
      const t = (j + 1) / POINTS;
      return { iteration: j + 1, envSteps: (j + 1) * 1024, values: { episodeReturn: 3000 * (1 - Math.exp(-4 * t)) + 200 * Math.sin(j * 0.37 + id) + ((id * 31 + j * 17) % 100), wallTime: 1_700_000_000 + j * 2 } };
    });
    store.insertMetricBatch(id, rows);
  }
  store.close();
}

function startServe(home: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'serve', '--home', home, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (b: Buffer) => resolve({ child, url: (JSON.parse(b.toString().split('\n')[0]) as { url: string }).url }));
    child.once('exit', (code) => reject(new Error(`serve exited (${code})`)));
  });
}

const pct = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  ensureAppBuilt();
  const home = mkdtempSync(join(tmpdir(), 'imlab-bench-ui-'));
  const seedStart = performance.now();
  seed(home);
  const seedMs = performance.now() - seedStart;
  const serve = await startServe(home);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-gpu-vsync', '--disable-frame-rate-limit', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    // The app's CSP forbids eval; the bench's measuring snippets are strings evaluated in the page.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light', bypassCSP: true });
    const page = await context.newPage();
    // In-page code as strings: it runs in the browser, and this file is typechecked without the DOM's types.
    await page.addInitScript(`
      new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          if (e.name === 'imlab:runs-loaded') requestAnimationFrame(() => setTimeout(() => (window.firstRender = performance.now() - e.startTime)));
      }).observe({ type: 'mark', buffered: true });
    `);
    await page.goto(serve.url);
    await page.waitForFunction('window.firstRender !== undefined', undefined, { timeout: 120_000 });
    const firstRenderMs = (await page.evaluate('window.firstRender')) as number;
    const rows = await page.locator('tr[data-run-id]').count();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const mainThread = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.filter((m) => /Duration$/.test(m.name)).map((m) => [m.name, m.value * 1000]));
    const before = await mainThread();
    const frames = (await page.evaluate(`new Promise((resolve) => {
      const el = document.querySelector('[data-testid="runs-scroller"]');
      const out = [];
      let last = 0;
      const step = (t) => {
        if (last) out.push(t - last);
        last = t;
        el.scrollTop += 330;
        if (out.length < 300 && el.scrollTop + el.clientHeight < el.scrollHeight) requestAnimationFrame(step);
        else resolve(out);
      };
      requestAnimationFrame(step);
    })`)) as number[];

    const after = await mainThread();
    // Main-thread time per scroll frame by kind (script, style, layout, whole tasks): what the frame spent where.
    const scrollMainThreadMs = Object.fromEntries(Object.keys(after).map((k) => [k.replace(/Duration$/, ''), round((after[k] - before[k]) / Math.max(1, frames.length))]));
    const ids = Array.from({ length: COMPARE }, (_, i) => i + 1).join(',');
    await page.goto(`${new URL(serve.url).origin}/#/compare?ids=${ids}&group=0`);
    await page.locator(`[data-testid="compare-chart"][data-series="${COMPARE * 2}"]`).waitFor({ timeout: 120_000 });
    await page.waitForTimeout(500);
    // A live point arrives with its run's metrics event; the chart draws once in the next frame for all
    // points that arrived by then. Main-thread time (CDP TaskDuration) over 100 events, one per frame, is
    // what one appended point costs; a burst appends one point to every run in one frame; a rescale point
    // lies above the y-axis (each higher than the last), so the axes must grow and the whole chart redraws.
    const counts = async () => (await page.evaluate(`document.querySelector('[data-testid="compare-chart"]').imlabLive.counts()`)) as { strips: number; rescales: number; full: number };
    const liveEvents = async (events: number, burst: number, value: string) => {
      const before = await counts();
      const m0 = await mainThread();
      await page.evaluate(`(async () => {
        const el = document.querySelector('[data-testid="compare-chart"]');
        const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
        for (let i = 0; i < ${events}; i++) {
          for (let b = 0; b < ${burst}; b++) {
            const n = i * ${burst} + b;
            const id = (n % ${COMPARE}) + 1;
            const step = ${POINTS} + 1 + Math.floor(n / ${COMPARE}) + stepBase;
            el.imlabLive.append(id, step, step * 1024, ${value});
          }
          await frame();
        }
        stepBase += Math.ceil((${events} * ${burst}) / ${COMPARE});
      })()`);
      const m1 = await mainThread();
      const after = await counts();
      // Per event, by kind (script, style, layout, whole tasks); the total less an idle frame's is the figure.
      const byKind = Object.fromEntries(Object.keys(m1).map((k) => [k.replace(/Duration$/, ''), round((m1[k] - m0[k]) / events)]));
      return { ms: round((m1.TaskDuration - m0.TaskDuration) / events - idleMs), byKind, frames: { strips: after.strips - before.strips, rescales: after.rescales - before.rescales, full: after.full - before.full } };
    };
    await page.evaluate('window.stepBase = 0');
    const idle = await mainThread();
    await page.evaluate(`(async () => { for (let i = 0; i < 100; i++) await new Promise((r) => requestAnimationFrame(() => setTimeout(r))); })()`);
    const idleMs = ((await mainThread()).TaskDuration - idle.TaskDuration) / 100;
    const one = await liveEvents(100, 1, '3000 + (n % 97)');
    const burst = await liveEvents(100, COMPARE, '3000 + (n % 97)');
    const rescale = await liveEvents(10, 1, '4000 * 2 ** (i + 1)');
    const result = {
      machine: machineInfo(),
      seedMs: round(seedMs),
      runsPage: { runs: RUNS, rowsInDom: rows, firstRenderMs: round(firstRenderMs), targetFirstRenderMs: 300, scrollFrames: frames.length, scrollFrameP50Ms: round(pct(frames, 50)), scrollFrameP95Ms: round(pct(frames, 95)), targetScrollP95Ms: 16, scrollMainThreadMsPerFrame: scrollMainThreadMs },
      compare: {
        runs: COMPARE,
        pointsPerRun: POINTS,
        liveEvents: 100,
        mainThreadPerPointMs: one.ms,
        pointFrames: one.frames,
        pointMainThreadByKind: one.byKind,
        mainThreadPerBurstOfAllRunsMs: burst.ms,
        burstFrames: burst.frames,
        rescaleEvents: 10,
        mainThreadPerRescalePointMs: rescale.ms,
        rescaleFrames: rescale.frames,
        idleFrameMs: round(idleMs),
        targetAppendMs: 16,
      },
    };
    if (args.json) console.log(JSON.stringify(result, null, 2));
    else {
      console.log(`Runs page, ${RUNS} runs: first render ${result.runsPage.firstRenderMs} ms (target < 300), scroll frame p50 ${result.runsPage.scrollFrameP50Ms} ms, p95 ${result.runsPage.scrollFrameP95Ms} ms (target < 16), ${rows} rows in the DOM`);
      console.log(`Compare, ${COMPARE} runs × ${POINTS} points: main-thread time per live point ${one.ms} ms (target < 16); one point to each of the ${COMPARE} runs in one frame ${burst.ms} ms; a point that rescales the axes ${rescale.ms} ms`);
    }
  } finally {
    await browser.close();
    if (serve.child.pid) process.kill(-serve.child.pid, 'SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
