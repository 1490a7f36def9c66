/**
 * The app's pages in Debian's Chromium against `imlab serve` on a temporary
 * data folder: the quick InvertedPendulum sweep (budgets cut so the test stays
 * short on a loaded machine) goes queued → running → succeeded live in the
 * runs table; a run's page charts its points; Compare groups the two GAIL
 * seeds into one band. Screenshots (light theme) go to test/artifacts/screenshots/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpApi } from '../../src/shared/httpApi';
import { tempDir } from '../helpers/runs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const SHOTS = join('test', 'artifacts', 'screenshots');

function startServe(home: string): Promise<{ child: ChildProcess; url: string }> {
  // Its own process group, so the run processes it starts end with it.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'serve', '--home', home, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (b: Buffer) => resolve({ child, url: (JSON.parse(b.toString().split('\n')[0]) as { url: string }).url }));
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
  });
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

describe.skipIf(!haveChromium)('the pages in Chromium', () => {
  let serve: ChildProcess | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    if (serve?.pid) process.kill(-serve.pid, 'SIGTERM');
  });

  it('shows the quick sweep finish live, a run with its chart, and the GAIL seeds as one band', async () => {
    const started = await startServe(tempDir('pages-home'));
    serve = started.child;
    const url = new URL(started.url);
    const api = createHttpApi(url.origin, url.searchParams.get('token')!);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(started.url);
    await page.getByRole('heading', { name: 'Runs' }).waitFor();

    const preset = JSON.parse(readFileSync('resources/presets/sweeps/InvertedPendulum-quick.json', 'utf8')) as Record<string, Record<string, unknown>>;
    const spec = {
      ...preset,
      expert: { ...preset.expert, totalSteps: 6144, evalEvery: 2, finalEvalEpisodes: 3 },
      sample: { episodes: 4 },
      bc: { ...preset.bc, iterations: 200, finalEvalEpisodes: 3 },
      gail: { ...preset.gail, totalSteps: 6144, evalEvery: 2, finalEvalEpisodes: 3 },
    };
    const { runIds } = await api.queueSweep({ spec });
    expect(runIds).toHaveLength(6);
    const status = (id: number) => page.locator(`tr[data-run-id="${id}"] [data-testid="status"]`);
    await status(runIds[5]).waitFor({ timeout: 30_000 });
    expect(await status(runIds[5]).textContent()).toBe('queued');
    await status(runIds[0]).filter({ hasText: 'running' }).waitFor({ timeout: 120_000 });
    await shot(page, 'runs');
    await page.goto(`${url.origin}/#/queue`);
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    await page.locator('tr[data-run-id]').first().waitFor();
    await shot(page, 'queue');
    await page.goto(`${url.origin}/#/runs`);
    for (const id of runIds) await status(id).filter({ hasText: 'succeeded' }).waitFor({ timeout: 600_000 });
    await shot(page, 'runs-done');

    const gail = runIds[4];
    await page.locator(`tr[data-run-id="${gail}"] td.name a`).click();
    await page.locator('[data-metric="episodeReturn"] [data-testid="points"]').waitFor({ timeout: 30_000 });
    const points = await page.locator('[data-metric="episodeReturn"] [data-testid="points"]').textContent();
    expect(Number(points!.split(' ')[0].replace(/,/g, ''))).toBeGreaterThan(1);
    await page.locator('[data-metric="discriminatorLoss"]').waitFor();
    await page.locator('[data-testid="run-config"]').waitFor();
    await shot(page, 'run');

    await page.goto(`${url.origin}/#/compare?ids=${runIds[4]},${runIds[5]}`);
    const chart = page.locator('[data-testid="compare-chart"][data-bands="1"]');
    await chart.waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('legend-entry').textContent()).resolves.toContain('(2 seeds)');
    await shot(page, 'compare');
  }, 900_000);
});
