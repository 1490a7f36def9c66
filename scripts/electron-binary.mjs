#!/usr/bin/env node
/**
 * Downloads the Electron binary before `npm start` / `npm run dev` when it is
 * missing. Electron's npm package no longer fetches it at install time (it does
 * so on the first `require('electron')`), but electron-vite reads
 * node_modules/electron/path.txt itself and stops with "Electron uninstall"
 * when the binary was never fetched. Electron's own install script does the
 * download, so ELECTRON_MIRROR, electron_config_cache and
 * electron_use_remote_checksums work as Electron documents them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'));

/** The executable electron-vite will start, or null while it is not on disk in this version. */
function installedBinary() {
  try {
    if (readFileSync(join(electronDir, 'dist', 'version'), 'utf8').trim().replace(/^v/, '') !== version) return null;
    const executable = join(electronDir, 'dist', readFileSync(join(electronDir, 'path.txt'), 'utf8'));
    return existsSync(executable) ? executable : null;
  } catch {
    return null;
  }
}

// electron-vite starts ELECTRON_EXEC_PATH instead of the package's binary when it is set.
if (process.env.ELECTRON_EXEC_PATH) process.exit(0);
if (installedBinary()) process.exit(0);

const source = process.env.ELECTRON_MIRROR || process.env.npm_config_electron_mirror || 'github.com/electron/electron';
console.log(`Downloading Electron ${version} from ${source}: needed once, then kept in Electron's download cache…`);
const install = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit' });
const binary = installedBinary();
if (install.status !== 0 || !binary) {
  console.error(
    [
      '',
      `Could not download Electron ${version} (the error is above), so the desktop app cannot start.`,
      'Check the internet connection (or set ELECTRON_MIRROR to a mirror you can reach) and run the command again.',
      'The same app works in the browser without Electron:  npm run imlab -- serve --open',
    ].join('\n'),
  );
  process.exit(1);
}
console.log(`Electron ${version} is ready: ${binary}`);
