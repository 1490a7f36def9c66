/**
 * The real UI in Debian's Chromium against the real backend (`imlab serve`):
 * a run queued after the page loaded appears in the runs list and turns
 * succeeded, live, without a reload.
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
  afterAll(async () => {
    await browser?.close();
    serve?.kill('SIGTERM');
  });

  it('shows a queued InvertedPendulum run become succeeded, live', async () => {
    const started = await startServe(tempDir('browser-home'));
    serve = started.child;
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
});
