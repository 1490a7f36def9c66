/**
 * New experiment → Results → Datasets in Debian's Chromium against `imlab
 * serve`: a small InvertedPendulum sweep built in the form (with a wrong value
 * first, refused on its field by the backend), queued, finished live; the
 * results table and figure; the page's CSV equal to the CLI's export byte for
 * byte; a cell's best and worst seeds replayed side by side (recorded on
 * demand: sweep runs store no episodes; the second time reused); a damaged .npz refused with the backend's message and nothing added.
 * Saves light-theme screenshots of the three pages in test/artifacts/screenshots.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ImlabError } from '../../src/shared/errors';
import { createHttpApi } from '../../src/shared/httpApi';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/runs';
import { haveChromium, launchChromium, startServe, type Served } from '../helpers/serve';

const SHOTS = join('test', 'artifacts', 'screenshots');
if (!haveChromium) console.warn('Skipping the experiment pages browser test: no Chromium (.ci/run installs Debian\'s chromium).');

describe.skipIf(!haveChromium)('New experiment, Results and Datasets in Chromium', () => {
  let served: Served | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    served?.stop();
  });

  it('builds, queues and finishes a sweep from the form, shows its results, replays a cell\'s seeds, and refuses a damaged .npz', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const home = tempDir('pages-home');
    served = await startServe(home);
    const url = new URL(served.url);
    const api = createHttpApi(url.origin, url.searchParams.get('token')!);
    browser = await launchChromium();
    const context = await browser.newContext({ acceptDownloads: true, colorScheme: 'light', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(served.url.replace(/#.*$/, '') + '#/new');
    await page.getByRole('heading', { name: 'New experiment' }).waitFor();
    await page.locator('#preset').selectOption('InvertedPendulum-quick.json');
    const field = (name: string) => page.locator(`[data-field="${name}"]`);
    await expect(field('seeds').locator('input').inputValue()).resolves.toBe('0, 1');

    // Smaller budgets than the preset keep the test short; typed into the generated form.
    const open = (group: string) => page.locator(`[data-group="${group}"] > summary`).click();
    await field('name').locator('input').fill('browser sweep');
    await field('trajectories').locator('input').fill('2');
    await open('expert');
    await field('expert.totalSteps').locator('input').fill('4096');
    await open('sample');
    await field('sample.episodes').locator('input').fill('3');
    await open('bc');
    await field('bc.iterations').locator('input').fill('100');
    await open('gail');
    await field('gail.totalSteps').locator('input').fill('3072');
    await open('gail.trpo');
    // A wrong value: the backend's own message appears on that field and queueing is off.
    await field('gail.trpo.maxKl').locator('input').fill('-2');
    const refused = field('gail.trpo.maxKl').locator('.field-error');
    await refused.waitFor({ timeout: 15_000 });
    const spec = { name: 'browser sweep', envs: ['InvertedPendulum-v5'], expert: { totalSteps: 4096 }, trajectories: [2], seeds: [0, 1], gail: { totalSteps: 3072, trpo: { maxKl: -2 } } };
    const backendSays = await api.previewSweep({ spec }).then(() => null, (e: unknown) => (e instanceof ImlabError ? e.message : null));
    expect(backendSays).toMatch(/maxKl/);
    await expect(refused.textContent()).resolves.toBe(backendSays);
    await expect(page.locator('button.primary').isDisabled()).resolves.toBe(true);
    await field('gail.trpo.maxKl').locator('input').fill('');
    await refused.waitFor({ state: 'detached', timeout: 15_000 });

    const preview = page.getByTestId('sweep-preview');
    await preview.getByTestId('preview-runs').filter({ hasText: /^6$/ }).waitFor({ timeout: 15_000 });
    await expect(preview.getByTestId('preview-steps').textContent()).resolves.toBe((4096 + 3 * 1000 + 2 * 3072).toLocaleString('en-US'));
    await expect(preview.getByTestId('dependency-graph').locator('rect').count()).resolves.toBe(4);
    for (const group of ['gail.trpo', 'gail', 'bc', 'sample', 'expert']) await open(group);
    await page.screenshot({ path: join(SHOTS, 'new-experiment.png'), fullPage: true });

    await page.getByRole('button', { name: 'Queue 6 runs' }).click();
    const queued = page.getByTestId('queued-runs');
    await queued.waitFor({ timeout: 15_000 });
    const sweepId = Number(await queued.getAttribute('data-sweep-id'));
    const rows = queued.locator('tr[data-run-id]');
    await expect(rows.count()).resolves.toBe(6);
    const first = await rows.locator('[data-testid="status"]').allTextContents();
    expect(first.every((s) => s === 'queued' || s === 'running')).toBe(true);
    // The statuses change on the page from the backend's events, without a reload.
    const seen = new Set<string>(first);
    for (const start = Date.now(); ; ) {
      const now = await rows.locator('[data-testid="status"]').allTextContents();
      now.forEach((s) => seen.add(s));
      if (now.every((s) => s === 'succeeded')) break;
      expect(now.some((s) => ['failed', 'cancelled', 'blocked'].includes(s)), now.join(', ')).toBe(false);
      if (Date.now() - start > 400_000) throw new Error(`the sweep did not finish: ${now.join(', ')}`);
      await page.waitForTimeout(1000);
    }
    expect(seen).toContain('running');

    await page.goto(served.url.replace(/#.*$/, '') + `#/results?sweep=${sweepId}`);
    const table = page.getByTestId('results-table');
    await table.waitFor({ timeout: 30_000 });
    await expect(table.locator('tr[data-method="expert"]').count()).resolves.toBe(1);
    await expect(table.locator('tr[data-method="random"]').count()).resolves.toBe(1);
    await expect(table.locator('tr[data-k="2"] td[data-method="gail"] a').getAttribute('href')).resolves.toMatch(/^#\/compare\?ids=\d+%2C\d+$/);
    await page.getByTestId('results-figure').locator('canvas').waitFor();
    const painted = await page.getByTestId('results-figure').locator('canvas').evaluate((c) => {
      const canvas = c as unknown as { width: number; toDataURL(): string };
      return canvas.width > 0 && canvas.toDataURL().length > 5000;
    });
    expect(painted).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'results.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const fromPage = join(tempDir('pages-csv'), 'page.csv');
    await download.saveAs(fromPage);
    const fromCli = join(tempDir('pages-csv'), 'cli.csv');
    const cli = runCli(['export', 'results', '--sweep', String(sweepId), '--home', home, '--out', fromCli]);
    expect(cli.status, cli.stderr).toBe(0);
    expect(download.suggestedFilename()).toBe(`results-sweep-${sweepId}.csv`);
    expect(readFileSync(fromPage).equals(readFileSync(fromCli))).toBe(true);
    expect(readFileSync(fromCli, 'utf8')).toContain('gail');

    // The GAIL cell's best and worst seeds side by side, by final return (ties keep the cell's order).
    const cell = (await api.resultsTable({ sweepId })).rows.find((r) => r.method === 'gail')!;
    const seeds = await Promise.all(cell.runIds.map((id) => api.getRun({ id })));
    const best = seeds.slice().sort((a, b) => b.finalMean! - a.finalMean!)[0];
    const worst = seeds.slice().sort((a, b) => a.finalMean! - b.finalMean!)[0];
    const evalRuns = async () => (await api.listRuns({ limit: 1000 })).runs.filter((r) => r.kind === 'eval').length;
    const evalsBefore = await evalRuns();
    await table.locator('tr[data-k="2"] [data-replay="gail"] button[data-pick="both"]').click();
    await page.locator('[data-testid=replay-canvas][data-drawn="1"]').waitFor({ timeout: 300_000 });
    const labels = await page.getByTestId('view-label').allTextContents();
    expect(labels).toHaveLength(2);
    expect(labels[0]).toContain(`episode·${best.name}·final·det`);
    expect(labels[1]).toContain(`episode·${worst.name}·final·det`);
    const shown = new URL(page.url()).hash;
    const evalsAfter = await evalRuns();
    expect(evalsAfter - evalsBefore, 'one episode recorded per distinct seed run').toBe(new Set([best.id, worst.id]).size);
    // Again from the Results page: the recorded episode is reused, nothing new is queued.
    await page.goBack();
    await table.locator('tr[data-k="2"] [data-replay="gail"] button[data-pick="best"]').click();
    await page.waitForURL(/#\/replay\?traj=\d+$/, { timeout: 60_000 });
    expect(decodeURIComponent(shown)).toContain(`traj=${new URL(page.url()).hash.split('traj=')[1]},`);
    await expect(evalRuns()).resolves.toBe(evalsAfter);

    await page.goto(served.url.replace(/#.*$/, '') + '#/datasets');
    const datasets = page.getByTestId('datasets-table');
    await datasets.waitFor({ timeout: 15_000 });
    const before = (await api.listDatasets({})).length;
    expect(before).toBe(1);
    await expect(datasets.locator('tr[data-dataset-id]').count()).resolves.toBe(before);
    await datasets.getByRole('link', { name: /Replay the first 3/ }).waitFor({ timeout: 15_000 });
    const damaged = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64, 7)]);
    const expected = await api.importDatasetNpz({ env: 'InvertedPendulum-v5', data: damaged.toString('base64') }).then(() => null, (e: unknown) => (e instanceof ImlabError ? e.message : null));
    expect(expected).not.toBeNull();
    await page.getByTestId('npz-file').setInputFiles({ name: 'damaged.npz', mimeType: 'application/octet-stream', buffer: damaged });
    const error = page.getByTestId('import-error');
    await error.waitFor({ timeout: 15_000 });
    await expect(error.textContent()).resolves.toBe(expected);
    expect((await api.listDatasets({})).length).toBe(before);
    await expect(datasets.locator('tr[data-dataset-id]').count()).resolves.toBe(before);
    await page.screenshot({ path: join(SHOTS, 'datasets.png'), fullPage: true });
  }, 600_000);

  it("queues the GAIL paper's Hopper sweep from its preset without touching a file", async () => {
    const paper = await startServe(tempDir('paper-home'));
    try {
      const url = new URL(paper.url);
      const api = createHttpApi(url.origin, url.searchParams.get('token')!);
      // Paused: the 42 runs are queued and checked, not trained (that is hours; bench:learn does it).
      await api.pauseQueue({});
      browser ??= await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(paper.url.replace(/#.*$/, '') + '#/new');
      await page.locator('#preset').selectOption('Hopper-gail-paper.json');
      const preview = page.getByTestId('sweep-preview');
      await preview.getByTestId('preview-runs').filter({ hasText: /^42$/ }).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Queue 42 runs' }).click();
      const queued = page.getByTestId('queued-runs');
      await queued.waitFor({ timeout: 30_000 });
      const sweepId = Number(await queued.getAttribute('data-sweep-id'));
      const { runs } = await api.listRuns({ sweepId, limit: 100 });
      expect(runs).toHaveLength(42);
      expect(runs.every((r) => r.status === 'queued' || r.status === 'blocked')).toBe(true);
      const cells = runs.filter((r) => r.method === 'bc' || r.method === 'gail').map((r) => `${r.method} k=${r.trajectories} s=${r.seed}`).sort();
      const want = ['bc', 'gail'].flatMap((m) => [4, 11, 18, 25].flatMap((k) => [0, 1, 2, 3, 4].map((s) => `${m} k=${k} s=${s}`))).sort();
      expect(cells).toEqual(want);
      // The budgets of the paper's setting reached the runs as the preset states them.
      const gail = await api.getRun({ id: runs.find((r) => r.method === 'gail')!.id });
      expect(gail.config).toMatchObject({ kind: 'gail', env: 'Hopper-v5', totalSteps: 3_000_000, expertSubsample: 20, trpo: { batchSteps: 1024 } });
      const expert = await api.getRun({ id: runs.find((r) => r.kind === 'expert')!.id });
      expect(expert.config).toMatchObject({ kind: 'expert', totalSteps: 1_500_000 });
      await page.close();
    } finally {
      paper.stop();
    }
  }, 180_000);
});
