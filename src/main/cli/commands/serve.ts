import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ImlabError } from '../../../shared/errors';
import { startCoordinator } from '../../core/service';
import { startWebServer } from '../../webServer';
import { integer } from '../args';
import type { Output } from '../output';

export const SERVE_HELP = `imlab serve [--port N] [--open] [--home <folder>] [--json]
  Runs the queue and serves the app and its API on 127.0.0.1 with a random
  token in the printed URL (requests without it get 401). Ctrl-C stops it;
  running runs checkpoint and resume on the next start.`;

/** Newest modification time of the files under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** The renderer build the web shell serves; (re)built when missing or older than its sources. */
function ensureRendererBuilt(out: Output): string {
  const dir = join(process.cwd(), 'out', 'renderer');
  const index = join(dir, 'index.html');
  const sources = ['src/renderer', 'src/shared'].map((d) => join(process.cwd(), d)).filter(existsSync);
  if (existsSync(index) && (sources.length === 0 || statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime)))) return dir;
  out.info('building the app…');
  const cli = join(process.cwd(), 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [cli, 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('building the renderer failed (npm run build shows why)');
  return dir;
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  spawn(cmd, args, { detached: true, stdio: 'ignore' }).on('error', () => {}).unref();
}

export async function serveCommand(argv: string[], out: Output): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, open: { type: 'boolean' }, home: { type: 'string' }, json: { type: 'boolean' } } });
  const port = integer(values.port, 'port', 0);
  if (port < 0 || port > 65535) throw new ImlabError('invalid_input', `--port must be 0–65535, got ${port}.`, 'port');
  const staticDir = ensureRendererBuilt(out);
  const coordinator = await startCoordinator({ appVersion: '0.1.0', home: values.home });
  try {
    const web = await startWebServer(coordinator, { port, staticDir });
    coordinator.lock.setUrl(web.url, web.token);
    out.result({ url: web.openUrl, home: coordinator.home.root }, () => `Imitation Lab: ${web.openUrl}\ndata folder: ${coordinator.home.root}`);
    if (values.open) openBrowser(web.openUrl);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    out.info('stopping: running runs checkpoint and will resume on the next start…');
    await web.close();
    return 0;
  } finally {
    await coordinator.close();
  }
}
