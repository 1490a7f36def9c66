/**
 * Compare's live points, in Debian's Chromium against `imlab serve`: points
 * appended to an overlay of many long runs are drawn as strips of the canvas
 * (not a redraw of the chart), and after any sequence of them — several runs
 * in one frame, points in one pixel column, a point that forces the axes to
 * grow — the canvas is what a full redraw of the chart draws, up to
 * antialiasing: Skia's coverage of a stroke is not local (a full redraw with
 * one more point at the end differs from one without it by a level far from
 * that point), and a stroke cut by the strip's clip is covered a little
 * differently. Which segments the strips stroke is checked exactly in
 * test/unit/lineTail.test.ts.
 */
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataHome } from '../../src/main/core/home';
import { Store } from '../../src/main/core/store/store';
import { tempDir } from '../helpers/runs';
import { CHROMIUM, haveChromium, startServe, type Served } from '../helpers/serve';

const RUNS = 8;
const POINTS = 1500;

function seed(home: string): number[] {
  const h = dataHome(home);
  const store = new Store(h.dbPath);
  const ids = store.createRuns(
    Array.from({ length: RUNS }, (_, i) => ({ name: `gail·Hopper-v5·s=${i}`, kind: 'gail' as const, env: 'Hopper-v5', method: 'gail', trajectories: 4, seed: i, status: 'succeeded' as const, config: { kind: 'gail', env: 'Hopper-v5', trajectories: 4, seed: i } })),
    (id) => join(h.runsDir, String(id)),
  );
  // Runs of different lengths, so some lines end left of where others are appended to.
  ids.forEach((id, r) => {
    const n = POINTS - r * 40;
    store.insertMetricBatch(
      id,
      Array.from({ length: n }, (_, j) => ({ iteration: j + 1, envSteps: (j + 1) * 1024, values: { episodeReturn: 2500 * (1 - Math.exp((-4 * j) / n)) + 150 * Math.sin(j * 0.37 + r) + ((r * 31 + j * 17) % 90) } })),
    );
  });
  store.close();
  return ids;
}

interface Counts {
  strips: number;
  rescales: number;
  full: number;
}

/**
 * Appends rows in frames (each inner list is one frame), runs `between` (e.g. a pointer over the chart), then
 * compares the canvas with a full redraw of the chart.
 */
async function appendAndCompare(page: Page, frames: [run: number, step: number, value: number][][], between: () => Promise<void> = async () => {}): Promise<{ counts: Counts; differing: number; maxDelta: number; drawn: number }> {
  await page.evaluate(`(async () => {
    const el = document.querySelector('[data-testid="compare-chart"]');
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
    for (const rows of ${JSON.stringify(frames)}) {
      for (const [run, step, value] of rows) el.imlabLive.append(run, step, step * 1024, value);
      await frame();
    }
  })()`);
  await between();
  // differing: pixels off by more than 8 levels (of 255, premultiplied as the canvas stores them).
  return page.evaluate(`(async () => {
    const el = document.querySelector('[data-testid="compare-chart"]');
    const canvas = el.querySelector('canvas');
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
    const ctx = canvas.getContext('2d');
    const live = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    el.imlabLive.redraw();
    const full = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let differing = 0, maxDelta = 0, drawn = 0;
    for (let i = 0; i < full.length; i += 4) {
      let d = 0;
      // Premultiplied, as the canvas stores it: a low-alpha pixel's colour is not amplified.
      for (let k = 0; k < 3; k++) d = Math.max(d, Math.abs(Math.round((full[i + k] * full[i + 3]) / 255) - Math.round((live[i + k] * live[i + 3]) / 255)));
      d = Math.max(d, Math.abs(full[i + 3] - live[i + 3]));
      if (d > 8) differing++;
      if (full[i + 3]) drawn++;
      maxDelta = Math.max(maxDelta, d);
    }
    return { counts: el.imlabLive.counts(), differing, maxDelta, drawn };
  })()`);
}

describe.skipIf(!haveChromium)('Compare live points in Chromium', () => {
  let serve: Served | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let ids: number[];

  beforeAll(async () => {
    const home = tempDir('compare-live');
    ids = seed(home);
    const started = await startServe(home);
    serve = started;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${new URL(started.url).origin}/${new URL(started.url).search}#/compare?ids=${ids.join(',')}&group=0`);
    await page.locator(`[data-testid="compare-chart"][data-series="${RUNS * 2}"]`).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(300);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    serve?.stop();
  });

  it('draws points inside the axes as strips, and the canvas equals a full redraw', async () => {
    const frames: [number, number, number][][] = [];
    // One run per frame; then all runs in one frame; then one run twice in a frame (one pixel column).
    for (let f = 0; f < 6; f++) frames.push([[ids[f], POINTS - f * 40 + 1, 2400 + f * 7]]);
    frames.push(ids.map((id, r) => [id, POINTS - r * 40 + 2, 2300 + r * 20] as [number, number, number]));
    frames.push([
      [ids[0], POINTS + 3, 2450],
      [ids[0], POINTS + 4, 2200],
    ]);
    const { counts, differing, maxDelta, drawn } = await appendAndCompare(page, frames);
    console.log(`strips vs full redraw: ${differing} of ${drawn} drawn pixels off by > 8 levels, at most ${maxDelta}`);
    expect(drawn).toBeGreaterThan(10_000);
    expect(counts.strips).toBe(frames.length);
    expect(counts.rescales + counts.full).toBe(0);
    // A missing or extra stroke differs by more than the antialiasing does: a whole line by 255, a raw line by ~64.
    expect(differing).toBeLessThan(drawn * 0.005);
    expect(maxDelta).toBeLessThan(60);
  }, 60_000);

  it('lays the live points out before the pointer hovers, so a tooltip redraw keeps them', async () => {
    const box = (await page.locator('[data-testid="compare-chart"] canvas').boundingBox())!;
    const { differing, maxDelta, drawn } = await appendAndCompare(page, [[[ids[4], 1500 - 160 + 3, 2500]], [[ids[5], 1500 - 200 + 3, 2200]]], async () => {
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4);
      await page.mouse.move(box.x + box.width * 0.65, box.y + box.height * 0.4);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height + 40);
    });
    expect(differing).toBeLessThan(drawn * 0.005);
    expect(maxDelta).toBeLessThan(60);
  }, 60_000);

  it('grows the axes with a full redraw when a point falls outside them, and stays equal to a full redraw after', async () => {
    const before = await page.evaluate(`document.querySelector('[data-testid="compare-chart"]').imlabLive.counts()`) as Counts;
    const { counts, differing, maxDelta, drawn } = await appendAndCompare(page, [[[ids[1], 1500 - 40 + 10, 9000]], [[ids[2], 1500 - 80 + 3, 2350]], [[ids[3], 1500 - 120 + 3, 2380]]]);
    expect(counts.rescales - before.rescales).toBe(1);
    expect(counts.strips - before.strips).toBe(2);
    console.log(`after a rescale: ${differing} of ${drawn} drawn pixels off by > 8 levels, at most ${maxDelta}`);
    expect(differing).toBeLessThan(drawn * 0.005);
    expect(maxDelta).toBeLessThan(60);
  }, 60_000);
});
