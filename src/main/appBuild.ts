/**
 * The built app (out/: main bundle, run process bundle, renderer) that the web
 * shell serves and run processes start from. Rebuilt when missing or older
 * than the sources, so running from a fresh checkout just works.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newestMtime } from './core/newestMtime';

/** Builds out/ if stale; returns the renderer folder. */
export function ensureAppBuilt(log: (line: string) => void = () => {}, root = process.cwd()): string {
  const renderer = join(root, 'out', 'renderer');
  const outputs = [join(renderer, 'index.html'), join(root, 'out', 'main', 'runProcess.js')];
  const sources = newestMtime(join(root, 'src'));
  if (outputs.every((f) => existsSync(f) && statSync(f).mtimeMs >= sources)) return renderer;
  log('building the app…');
  const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [cli, 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('building the app failed (npm run build shows why)');
  return renderer;
}
