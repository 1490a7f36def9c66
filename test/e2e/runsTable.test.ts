/**
 * The runs table's layout in Debian's Chromium against `imlab serve` on a
 * data folder seeded with a finished sweep: at a 1440 px window it fits
 * without scrolling sideways and shows a whole sweep run name; narrower, it
 * hides lower-priority columns rather than scroll or cut the names; scrolled
 * far down, the rows in view are the runs of those positions.
 */
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataHome } from '../../src/main/core/home';
import { createHttpApi } from '../../src/shared/httpApi';
import { Store, type NewRun } from '../../src/main/core/store/store';
import { tempDir } from '../helpers/runs';
import { CHROMIUM, haveChromium, startServe, type Served } from '../helpers/serve';

const NAME = 'gail·Hopper-v5·k=25·s=10';
const RUNS = 500;

function seed(home: string): number {
  const h = dataHome(home);
  const store = new Store(h.dbPath);
  const runs: NewRun[] = Array.from({ length: RUNS }, (_, i) => {
    const last = i === RUNS - 1;
    const method = last || i % 2 ? 'gail' : 'bc';
    const env = last ? 'Hopper-v5' : i % 3 ? 'Walker2d-v5' : 'Humanoid-v5';
    const k = last ? 25 : 1 + (i % 25);
    const s = last ? 10 : i % 5;
    return { name: `${method}·${env}·k=${k}·s=${s}`, kind: method, env, method, trajectories: k, seed: s, status: 'succeeded', config: { kind: method, env, trajectories: k, seed: s, totalSteps: 1_000_000 } };
  });
  const ids = store.createRuns(runs, (id) => join(h.runsDir, String(id)));
  // HumanoidStandup-sized numbers on the runs just below the newest: the widest values a column must show whole.
  for (const id of ids.slice(-4, -1)) {
    store.insertEvaluation(id, 4880, 9_994_240, false, { mode: 'deterministic', episodes: 3, mean: 157_977.94, std: 4_873.2, returns: [153_104.7, 157_977.9, 162_851.2], lengths: [1000, 1000, 1000] });
    store.setFinal(id, 157_977.94, 24_873.26, 50, 9_994_240);
  }
  // The Started column's widest values: `May 28 00:00` this year (the widest month), a date of an earlier year.
  const now = new Date();
  const widest = now.getMonth() === 4 && now.getDate() === 28 ? new Date(now.getFullYear(), 4, 27, 0, 0) : new Date(now.getFullYear(), 4, 28, 0, 0);
  store.updateRun(ids[ids.length - 2], { startedAt: widest.getTime(), finishedAt: widest.getTime() + 60_000 });
  store.updateRun(ids[ids.length - 3], { startedAt: new Date(now.getFullYear() - 1, 11, 28, 0, 0).getTime(), finishedAt: null });
  store.close();
  return ids[ids.length - 1];
}

// Every header's and cell's text, measured as laid out, against its cell: those whose text overflows, other than
// the cells that may cut their text (class cut) and carry it whole in their tooltip.
const overflowing = (page: Page) =>
  page.evaluate(`(() => [...document.querySelectorAll('thead th, tbody tr td')].flatMap((td) => {
    const range = document.createRange();
    range.selectNodeContents(td);
    const text = range.getBoundingClientRect();
    const cell = td.getBoundingClientRect();
    const over = text.width > 0 && (text.right > cell.right + 0.5 || text.left < cell.left - 0.5);
    return over && !(td.classList.contains('cut') && td.title === td.textContent) ? [td.textContent.trim()] : [];
  }))()`) as Promise<string[]>;

interface Layout {
  sideways: number;
  headers: string[];
  name: { text: string; title: string; cut: boolean };
}

// In-page code as a string: this file is typechecked without the DOM's types.
const layout = (page: Page, id: number) =>
  page.evaluate(`(() => {
    const scroller = document.querySelector('[data-testid="runs-scroller"]');
    const cell = document.querySelector('tr[data-run-id="${id}"] td.name');
    const link = cell.querySelector('a');
    return {
      sideways: scroller.scrollWidth - scroller.clientWidth,
      headers: [...document.querySelectorAll('thead th')].map((th) => th.textContent.trim()).filter(Boolean),
      name: { text: link.textContent, title: link.title, cut: cell.scrollWidth > cell.clientWidth || link.getBoundingClientRect().right > cell.getBoundingClientRect().right },
    };
  })()`) as Promise<Layout>;

describe.skipIf(!haveChromium)('the runs table in Chromium', () => {
  let serve: Served | undefined;
  let browser: Browser | undefined;
  let url = '';
  let newest = 0;
  beforeAll(async () => {
    const home = tempDir('runs-table-home');
    newest = seed(home);
    const started = await startServe(home);
    serve = started;
    url = started.url;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    serve?.stop();
  });

  const open = async (width: number) => {
    const page = await browser!.newPage({ viewport: { width, height: 900 } });
    await page.goto(url);
    await page.locator(`tr[data-run-id="${newest}"]`).waitFor({ timeout: 60_000 });
    return page;
  };

  it('fits a 1440 px window with a whole sweep run name in view', async () => {
    const page = await open(1440);
    const l = await layout(page, newest);
    expect(l.sideways).toBe(0);
    expect(l.name).toEqual({ text: NAME, title: `${NAME} (#${newest})`, cut: false });
    expect(l.headers).toEqual(expect.arrayContaining(['Name', 'Env', 'Method', 'k', 'Seed', 'Status', 'Last', 'Max', 'Final', 'Env steps', 'Steps/s', 'Started', 'Duration']));
    await page.close();
  }, 120_000);

  it('uses a wide window for every column, Backend and Sweep included', async () => {
    const page = await open(1920);
    const l = await layout(page, newest);
    expect(l.sideways).toBe(0);
    expect(l.name.cut).toBe(false);
    expect(l.headers).toEqual(expect.arrayContaining(['Name', 'Sweep', 'Backend', 'Started', 'Duration', 'Final']));
    await page.close();
  }, 120_000);

  it('hides lower-priority columns in a narrower window instead of scrolling sideways or cutting names', async () => {
    const page = await open(1000);
    const l = await layout(page, newest);
    expect(l.sideways).toBe(0);
    expect(l.name.cut).toBe(false);
    expect(l.headers).toEqual(expect.arrayContaining(['Name', 'Status', 'Final']));
    expect(l.headers).not.toContain('Backend');
    expect(l.headers).not.toContain('Started');
    await page.close();
  }, 120_000);

  it("shows every header and number whole, HumanoidStandup's returns included, at 1440 and 1000 px", async () => {
    for (const width of [1440, 1000]) {
      const page = await open(width);
      await expect(page.locator('tbody tr').nth(1).textContent()).resolves.toContain('157,978 ± 24,873');
      expect(await overflowing(page)).toEqual([]);
      await page.close();
    }
  }, 120_000);

  it('shows the runs of the scrolled-to positions after a long scroll', async () => {
    const page = await open(1440);
    await page.evaluate(`document.querySelector('[data-testid="runs-scroller"]').scrollTop = 33 * 300`);
    // Newest first: position p (0-based) holds run id newest - p.
    await page.locator(`tr[data-run-id="${newest - 300}"]`).waitFor({ state: 'attached' });
    const shown = (await page.evaluate(`(() => {
      const s = document.querySelector('[data-testid="runs-scroller"]').getBoundingClientRect();
      return [...document.querySelectorAll('tbody tr')].filter((tr) => { const r = tr.getBoundingClientRect(); return r.top >= s.top + 33 && r.bottom <= s.bottom; })
        .map((tr) => [Number(tr.getAttribute('aria-rowindex')), Number(tr.dataset.runId)]);
    })()`)) as [number, number][];
    expect(shown.length).toBeGreaterThan(10);
    for (const [rowIndex, id] of shown) expect(id).toBe(newest - (rowIndex - 2));
    await page.close();
  }, 120_000);

  // Last: the run it queues comes first in the table, which the tests above do not expect.
  it('shows a running run\'s status whole: its badge filled to its progress and hours of time left', async () => {
    const u = new URL(url);
    const api = createHttpApi(u.origin, u.searchParams.get('token')!);
    // A budget of hours at InvertedPendulum's rate: the widest time left the status cell must show (`13 h 53 min`).
    const { id } = await api.queueRun({ config: { kind: 'expert', env: 'InvertedPendulum-v5', totalSteps: 400_000_000, evalEvery: 0 }, name: 'long' });
    try {
      const page = await open(1440);
      const eta = page.locator(`tr[data-run-id="${id}"] .eta`);
      await expect.poll(async () => (await eta.count()) > 0 && (await eta.textContent()) !== '…', { timeout: 60_000, interval: 200 }).toBe(true);
      expect(await eta.textContent()).toMatch(/^\d+ (h \d\d min|d \d\d h)$/);
      const badge = page.locator(`tr[data-run-id="${id}"] [role="progressbar"]`);
      await expect(badge.textContent()).resolves.toBe('running');
      expect(await overflowing(page)).toEqual([]);
      await page.close();
    } finally {
      await api.cancelRun({ id });
    }
  }, 120_000);
});
