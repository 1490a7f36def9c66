/**
 * The real UI in Debian's Chromium against the real backend (`imlab serve`):
 * a run queued after the page loaded appears in the runs list and turns
 * succeeded, live, without a reload; a run's chart on the wall-time axis
 * grows live by appending the new rows, not by reloading the series.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpApi } from '../../src/shared/httpApi';
import { tempDir } from '../helpers/runs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`Skipping browser tests: no Chromium at ${CHROMIUM} (.ci/run installs Debian's chromium).`);

function startServe(home: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'serve', '--home', home, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (b: Buffer) => resolve({ child, url: (JSON.parse(b.toString().split('\n')[0]) as { url: string }).url }));
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
  });
}

describe.skipIf(!haveChromium)('the app in Chromium', () => {
  let serve: ChildProcess | undefined;
  let browser: Browser | undefined;
  let serveUrl: string | undefined;
  afterAll(async () => {
    await browser?.close();
    serve?.kill('SIGTERM');
  });

  it('shows a queued InvertedPendulum run become succeeded, live', async () => {
    const started = await startServe(tempDir('browser-home'));
    serve = started.child;
    serveUrl = started.url;
    const url = new URL(started.url);
    const api = createHttpApi(url.origin, url.searchParams.get('token')!);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage();
    await page.goto(started.url);
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    await expect(page.locator('tbody tr[data-run-id]').count()).resolves.toBe(0);

    const { id } = await api.queueRun({ config: { kind: 'expert', env: 'InvertedPendulum-v5', totalSteps: 4096, evalEvery: 1, finalEvalEpisodes: 3 }, name: 'browser check' });
    const row = page.locator(`tr[data-run-id="${id}"]`);
    await row.waitFor({ timeout: 30_000 });
    const first = await row.getByTestId('status').textContent();
    expect(['queued', 'running']).toContain(first);
    await row.getByTestId('status').filter({ hasText: 'succeeded' }).waitFor({ timeout: 90_000 });
    await expect(row.textContent()).resolves.toContain('browser check');
    await page.screenshot({ path: join(tempDir('shots'), 'runs.png'), fullPage: true });
  }, 180_000);

  it('appends live points to a run chart on the wall-time axis without reloading it', async () => {
    const page = await browser!.newPage();
    const started = serveUrl!;
    const url = new URL(started);
    const api = createHttpApi(url.origin, url.searchParams.get('token')!);
    const { id } = await api.queueRun({ config: { kind: 'expert', env: 'InvertedPendulum-v5', totalSteps: 40 * 2048, evalEvery: 0, finalEvalEpisodes: 3 }, name: 'wall-time check' });
    const calls: { names: string[]; sinceStep?: number }[] = [];
    page.on('request', (r) => {
      if (!r.url().endsWith('/api/getMetrics')) return;
      const body = JSON.parse(r.postData() ?? '{}') as { runId: number; names: string[]; sinceStep?: number };
      if (body.runId === id && body.names[0] === 'episodeReturn') calls.push(body);
    });
    await page.goto(started.replace(/#.*$/, '') + `#/runs/${id}`);
    const points = page.locator('[data-metric="episodeReturn"] [data-testid="points"]');
    const count = async () => Number(((await points.textContent()) ?? '0').split(' ')[0].replace(/,/g, ''));
    await points.waitFor({ timeout: 60_000 });
    await page.getByTestId('x-axis').selectOption('wallTime');
    await expect.poll(() => calls.filter((c) => c.names.includes('wallTime') && c.sinceStep === undefined).length, { timeout: 30_000 }).toBe(1);
    const before = await count();
    await expect.poll(count, { timeout: 120_000 }).toBeGreaterThanOrEqual(before + 3);
    const onWall = calls.slice(calls.findIndex((c) => c.names.includes('wallTime')));
    // One load of the series when the axis changed; every later request only asks for the rows after the last one shown.
    expect(onWall.filter((c) => c.sinceStep === undefined)).toHaveLength(1);
    expect(onWall.filter((c) => c.sinceStep !== undefined).every((c) => c.names.includes('wallTime'))).toBe(true);
    // One request may bring several rows (a busy machine batches them), so the new points need at least one.
    expect(onWall.filter((c) => c.sinceStep !== undefined).length).toBeGreaterThanOrEqual(1);
    await api.cancelRun({ id });
    await page.close();
  }, 240_000);
});
