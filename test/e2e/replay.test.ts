/**
 * The 3D replay in Debian's Chromium (software WebGL) against `imlab serve` on
 * a temp data folder holding four stored InvertedPendulum episodes (balanced
 * for 1,000 steps; shoved over after 300, 500 and 700 steps).
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataHome } from '../../src/main/core/home';
import { Store } from '../../src/main/core/store/store';
import type { VisualGeom } from '../../src/shared/geometry';
import { buildGeomObjects } from '../../src/renderer/src/lib/replay/geomObjects';
import { pendulumDataset } from '../helpers/pendulumEpisodes';
import { tempDir } from '../helpers/runs';
import { haveChromium, launchChromium, startServe, type Served } from '../helpers/serve';

const DT = 0.04;

/**
 * In-page scripts as source text: they run in the browser, and this file is
 * typechecked without the DOM library.
 */
const SATURATED_PIXELS = `async ({ b64, box }) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
  const c = document.createElement('canvas');
  c.width = bmp.width;
  c.height = bmp.height;
  const g = c.getContext('2d');
  g.drawImage(bmp, 0, 0);
  const x0 = Math.floor(box.x0 * c.width);
  const y0 = Math.floor(box.y0 * c.height);
  const w = Math.max(1, Math.floor((box.x1 - box.x0) * c.width));
  const h = Math.max(1, Math.floor((box.y1 - box.y0) * c.height));
  const d = g.getImageData(x0, y0, w, h).data;
  let count = 0;
  for (let i = 0; i < d.length; i += 4) if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) count++;
  return { width: bmp.width, height: bmp.height, count, total: w * h };
}`;

const HUD_SAMPLES = `(ms) => new Promise((resolve) => {
  const hud = document.querySelector('[data-testid=hud-frame]');
  const read = () => [performance.now(), Number(hud.textContent.split('/')[0].replace(/,/g, ''))];
  const out = [read()];
  const observer = new MutationObserver(() => out.push(read()));
  observer.observe(hud, { childList: true, characterData: true, subtree: true });
  setTimeout(() => (observer.disconnect(), resolve(out)), ms);
})`;

const BOTH_FRAMES = `() => [...document.querySelectorAll('[data-testid=hud-frame]')].map((e) => Number(e.textContent.split('/')[0].replace(/,/g, '')))`;

const CANVAS_SIZE = `() => { const c = document.querySelector('[data-testid=replay-canvas]'); return { width: c.width, height: c.height }; }`;

const VIDEO_SIZE = `async (b64) => {
  const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'video/webm' });
  const v = document.createElement('video');
  v.muted = true;
  v.src = URL.createObjectURL(blob);
  await new Promise((resolve, reject) => ((v.onloadedmetadata = resolve), (v.onerror = () => reject(new Error('the video does not load')))));
  return { width: v.videoWidth, height: v.videoHeight };
}`;

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const LABEL_BOXES = `() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; };
  return {
    canvas: box(document.querySelector('[data-testid=replay-canvas]')),
    labels: [...document.querySelectorAll('[data-testid=view-label]')].map(box),
    returns: [...document.querySelectorAll('[data-testid=view-label] .ret')].map(box),
  };
}`;

function inPage<T>(page: Page, script: string, arg?: unknown): Promise<T> {
  return page.evaluate(`(${script})(${JSON.stringify(arg ?? null)})`) as Promise<T>;
}

/** Decodes a PNG in the page and counts pixels of saturated colour (the model; sky and floor are grey-blue) in a box of fractions. */
function saturatedPixels(page: Page, png: Buffer, box: { x0: number; x1: number; y0: number; y1: number }): Promise<{ width: number; height: number; count: number; total: number }> {
  return inPage(page, SATURATED_PIXELS, { b64: png.toString('base64'), box });
}

const frameText = (page: Page) => page.locator('[data-testid=hud-frame]').allTextContents();
const frameNumbers = async (page: Page) => (await frameText(page)).map((t) => Number(t.split('/')[0].replace(/,/g, '').trim()));

describe.skipIf(!haveChromium)('3D replay in Chromium', () => {
  let served: Served | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let ids: number[] = [];
  /** Steps of the episode shoved at 300, so its last frame. */
  let SHOVED = 0;
  /** Steps of each episode. */
  let lengths: number[] = [];

  beforeAll(async () => {
    const home = tempDir('replay-home');
    const store = new Store(dataHome(home).dbPath);
    const episodes = [{ seed: 0 }, { seed: 1, shoveAt: 300 }, { seed: 2, shoveAt: 500 }, { seed: 3, shoveAt: 700 }];
    const datasetId = store.insertDataset(await pendulumDataset(episodes), 'pendulum episodes', null);
    const rows = store.listTrajectories({ datasetId });
    ids = rows.map((t) => t.id);
    lengths = rows.map((t) => t.length);
    SHOVED = rows[1].length;
    expect(rows.map((t) => t.terminated)).toEqual([false, true, true, true]);
    expect(lengths[0]).toBe(1000);
    expect(lengths.slice(1).every((n, i) => n > episodes[i + 1].shoveAt! && n < 1000)).toBe(true);
    store.close();
    served = await startServe(home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1000, height: 800 }, acceptDownloads: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    served?.stop();
  });

  const canvas = () => page.locator('[data-testid=replay-canvas]');
  const open = async (query: string) => {
    // A fresh page each time, so no canvas of the previous replay is mistaken for this one.
    await page.goto('about:blank');
    await page.goto(`${served!.url}#/replay?${query}`);
    await page.locator('[data-testid=replay-canvas][data-drawn="1"]').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(300);
  };

  it('draws the model, steps frame by frame and plays in real time', async () => {
    await open(`traj=${ids[1]}`);
    const first = await saturatedPixels(page, await canvas().screenshot(), { x0: 0.35, x1: 0.65, y0: 0.15, y1: 0.85 });
    expect(first.count, 'coloured model pixels in the middle of the view').toBeGreaterThan(200);
    const edge = await saturatedPixels(page, await canvas().screenshot(), { x0: 0, x1: 0.1, y0: 0, y1: 0.3 });
    expect(edge.count, 'nothing coloured in the empty corner').toBeLessThan(0.01 * edge.total);

    // Near the shove the pole falls fast: one frame moves pixels.
    await page.keyboard.press('End');
    await expect(frameNumbers(page)).resolves.toEqual([SHOVED]);
    for (let i = 0; i < SHOVED - 290; i++) await page.keyboard.press('ArrowLeft');
    await expect(frameNumbers(page)).resolves.toEqual([290]);
    const before = await canvas().screenshot();
    await page.keyboard.press('Shift+ArrowRight');
    await expect(frameNumbers(page)).resolves.toEqual([300]);
    await page.keyboard.press('ArrowRight');
    await expect(frameNumbers(page)).resolves.toEqual([301]);
    await page.waitForTimeout(200);
    const after = await canvas().screenshot();
    expect(Buffer.compare(before, after), 'the picture changes with the frame').not.toBe(0);

    await open(`traj=${ids[0]}`);
    await page.keyboard.press(' ');
    // Every change of the HUD's frame with the page's clock: software GL may draw only a few frames a second.
    const samples = await inPage<[number, number][]>(page, HUD_SAMPLES, 6000);
    await page.keyboard.press(' ');
    const moving = samples.filter(([, f]) => f > 0);
    expect(moving.length, 'the HUD changed while playing').toBeGreaterThanOrEqual(2);
    const [ta, fa] = moving[0];
    const [tb, fb] = moving[moving.length - 1];
    const expected = (tb - ta) / 1000 / DT;
    expect(Math.abs(fb - fa - expected) / expected, `advanced ${fb - fa} frames in ${((tb - ta) / 1000).toFixed(2)} s`).toBeLessThan(0.1);
  }, 120_000);

  it('draws every replay the page opens on one canvas and WebGL context, its programs linked once', async () => {
    await open(`traj=${ids[0]}`);
    await page.evaluate(`window.firstCanvas = document.querySelector('[data-testid=replay-canvas]')`);
    const programs = () => page.evaluate(`performance.getEntriesByName('imlab:replay-drawn').at(-1).detail.programs`) as Promise<number>;
    const first = await programs();
    for (const hash of [`#/replay?traj=${ids[1]}`, '#/runs', `#/replay?traj=${ids[2]},${ids[3]}`]) {
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      if (hash === '#/runs') {
        await expect(page.locator('[data-testid=replay-canvas]').count()).resolves.toBe(0);
        continue;
      }
      await page.locator('[data-testid=replay-canvas][data-drawn="1"]').waitFor({ timeout: 30_000 });
      await expect(page.evaluate(`document.querySelector('[data-testid=replay-canvas]') === window.firstCanvas`), hash).resolves.toBe(true);
      await expect(programs(), `${hash}: no program linked again`).resolves.toBe(first);
    }
    const shot = await saturatedPixels(page, await canvas().screenshot(), { x0: 0.1, x1: 0.9, y0: 0.15, y1: 0.85 });
    expect(shot.count, 'the reused canvas draws the models').toBeGreaterThan(200);
  }, 90_000);

  it('draws the coarse shapes on software GL (two views: twice one model\'s coarse triangles and floor)', async () => {
    await open(`traj=${ids[2]},${ids[3]}`);
    const { origin, searchParams } = new URL(served!.url);
    const res = await fetch(`${origin}/api/getReplay`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-imlab-token': searchParams.get('token')! }, body: JSON.stringify({ trajectoryId: ids[2] }) });
    const { geoms } = (await res.json()) as { geoms: VisualGeom[] };
    const triangles = (detail: 'fine' | 'coarse') => {
      const { floor, batches } = buildGeomObjects(geoms, { opacity: 1, detail });
      return (floor ? 2 : 0) + batches.reduce((n, b) => n + b.mesh.geometry.index!.count / 3, 0);
    };
    const drawn = (await page.evaluate(`performance.getEntriesByName('imlab:replay-drawn').at(-1).detail.triangles`)) as number;
    expect(triangles('coarse')).toBeLessThan(triangles('fine'));
    expect(drawn).toBe(2 * triangles('coarse'));
  }, 60_000);

  it('keeps side-by-side views on one clock; shorter episodes hold their last frame', async () => {
    await open(`traj=${ids[0]},${ids[1]}`);
    await expect(page.locator('[data-testid=view-label]').count()).resolves.toBe(2);
    await page.keyboard.press(' ');
    const both = () => inPage<number[]>(page, BOTH_FRAMES);
    for (let seen = 0; seen < 4; ) {
      const [a, b] = await both();
      expect(b).toBe(Math.min(a, SHOVED));
      if (a > 0) seen++;
      await page.waitForTimeout(250);
    }
    await page.keyboard.press(' ');
    const scrub = page.locator('[data-testid=scrub]');
    await scrub.fill('150');
    await expect(frameNumbers(page)).resolves.toEqual([150, 150]);
    await scrub.fill('600');
    await expect(frameNumbers(page)).resolves.toEqual([600, SHOVED]);
    await expect(page.locator('[data-testid=hud-end]').nth(1).textContent()).resolves.toMatch(/terminated: pole angle .* outside ±0\.2 \(holding the last frame\)/);
  }, 60_000);

  it('keeps four views on one clock, each holding its own last frame', async () => {
    await open(`traj=${ids.join(',')}`);
    await expect(page.locator('[data-testid=view-label]').count()).resolves.toBe(4);
    const all = () => inPage<number[]>(page, BOTH_FRAMES);
    await page.getByTestId('speed').selectOption('4');
    await page.keyboard.press(' ');
    for (let seen = 0; seen < 4; ) {
      const [a, ...rest] = await all();
      expect(rest).toEqual(lengths.slice(1).map((n) => Math.min(a, n)));
      if (a > 0) seen++;
      await page.waitForTimeout(250);
    }
    await page.keyboard.press(' ');
    const scrub = page.locator('[data-testid=scrub]');
    for (const f of [450, 650, 990]) {
      await scrub.fill(String(f));
      await expect(frameNumbers(page)).resolves.toEqual(lengths.map((n) => Math.min(f, n)));
    }
    await canvas().screenshot({ path: 'test/artifacts/screenshots/replay-four-views.png' });
  }, 90_000);

  it('keeps each view\'s label inside its view, returns in full, at 2, 3 and 4 views and narrow widths', async () => {
    for (const width of [1000, 560]) {
      await page.setViewportSize({ width, height: 800 });
      for (const n of [2, 3, 4]) {
        await open(`traj=${ids.slice(0, n).join(',')}`);
        const boxes = await inPage<{ canvas: Box; labels: Box[]; returns: Box[] }>(page, LABEL_BOXES);
        const where = `${n} views at ${width} px`;
        expect(boxes.labels, where).toHaveLength(n);
        const cols = n === 4 ? 2 : n;
        const w = boxes.canvas.w / cols;
        const h = boxes.canvas.h / (n === 4 ? 2 : 1);
        boxes.labels.forEach((l, i) => {
          const view = { x: boxes.canvas.x + (i % cols) * w, y: boxes.canvas.y + Math.floor(i / cols) * h };
          expect(l.x >= view.x && l.x + l.w <= view.x + w + 0.5 && l.y >= view.y && l.y + l.h <= view.y + h + 0.5, `${where}: label ${i} inside its view`).toBe(true);
          const r = boxes.returns[i];
          expect(r.x >= l.x && r.x + r.w <= l.x + l.w + 0.5 && r.w > 20, `${where}: return of label ${i} shown whole`).toBe(true);
          boxes.labels.slice(i + 1).forEach((m, j) => {
            const apart = l.x + l.w <= m.x || m.x + m.w <= l.x || l.y + l.h <= m.y || m.y + m.h <= l.y;
            expect(apart, `${where}: labels ${i} and ${i + 1 + j} do not overlap`).toBe(true);
          });
        });
        if (n === 3 && width < 1000) await canvas().screenshot({ path: 'test/artifacts/screenshots/replay-labels-narrow.png' });
      }
    }
    await page.setViewportSize({ width: 1000, height: 800 });
  }, 120_000);

  it('exports the frame as PNG and the episode as WebM', async () => {
    await open(`traj=${ids[1]}`);
    const size = await inPage<{ width: number; height: number }>(page, CANVAS_SIZE);
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
    const pngBytes = readFileSync((await png.path())!);
    const decoded = await saturatedPixels(page, pngBytes, { x0: 0.35, x1: 0.65, y0: 0.15, y1: 0.85 });
    expect({ width: decoded.width, height: decoded.height }).toEqual(size);
    expect(decoded.count, 'the PNG shows the model').toBeGreaterThan(200);

    // About 300 frames at 4× take 3 s of recording.
    await page.getByTestId('speed').selectOption('4');
    const [webm] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('export-webm').click()]);
    const bytes = readFileSync((await webm.path())!);
    expect(bytes.length).toBeGreaterThan(1000);
    expect(bytes.subarray(0, 4).toString('hex'), 'EBML header').toBe('1a45dfa3');
    expect(bytes.includes(Buffer.from('V_VP')), 'a VP8/VP9 video track').toBe(true);
    const video = await inPage<{ width: number; height: number }>(page, VIDEO_SIZE, bytes.toString('base64'));
    expect(video).toEqual(size);
  }, 120_000);
});
