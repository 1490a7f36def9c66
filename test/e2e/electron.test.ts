/**
 * The desktop shell itself, where an Electron binary is installed (`npm start`
 * downloads it once, which build machines without internet cannot; the download
 * itself is tested offline in test/integration/electronStart.test.ts): the
 * window opens and shows the runs list over IPC.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/runs';

const pathFile = join('node_modules', 'electron', 'path.txt');
const binary = existsSync(pathFile) ? join('node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8')) : null;
const haveElectron = binary !== null && existsSync(binary);
if (!haveElectron) console.warn('Skipping Electron tests: the Electron binary is not installed here (`npm start` downloads it, which needs internet).');

describe.skipIf(!haveElectron)('the Electron app', () => {
  it('opens a window that lists runs through the preload API', async () => {
    execFileSync(process.execPath, ['scripts/electron-native.mjs'], { stdio: 'inherit' });
    const { _electron } = await import('playwright-core');
    const app = await _electron.launch({ executablePath: binary!, args: ['out/main/index.js'], env: { ...process.env, IMLAB_HOME: tempDir('electron-home') } });
    try {
      const win = await app.firstWindow();
      await win.getByRole('heading', { name: 'Runs' }).waitFor({ timeout: 30_000 });
      expect(await win.title()).toBe('Imitation Lab');
      expect(await win.evaluate(() => typeof (globalThis as unknown as { imlab?: unknown }).imlab)).toBe('object');
    } finally {
      await app.close();
    }
  }, 120_000);
});
