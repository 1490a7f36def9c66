/**
 * The built app (out/: main bundle, run process bundle, renderer) that the web
 * shell serves and run processes start from. Rebuilt when missing or older
 * than the sources, so running from a fresh checkout just works.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ImlabError } from '../shared/errors';
import { newestMtime } from './core/newestMtime';

/** Builds out/ if stale; returns the renderer folder. */
export function ensureAppBuilt(log: (line: string) => void = () => {}, root = process.cwd()): string {
  const renderer = join(root, 'out', 'renderer');
  const outputs = [join(renderer, 'index.html'), join(root, 'out', 'main', 'runProcess.js'), join(root, 'out', 'main', 'jobProcess.js')];
  const sources = newestMtime(join(root, 'src'));
  if (outputs.every((f) => existsSync(f) && statSync(f).mtimeMs >= sources)) return renderer;
  log('building the app…');
  const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  // The bundler's warnings (e.g. about comments in dependencies) mean nothing to a user: show them only on failure.
  const r = spawnSync(process.execPath, [cli, 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new ImlabError('internal', `building the app failed:\n${r.stderr.trim().split('\n').slice(-15).join('\n')}`);
  return renderer;
}
