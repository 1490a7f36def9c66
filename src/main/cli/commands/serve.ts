import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ImlabError } from '../../../shared/errors';
import { APP_VERSION } from '../../appVersion';
import { startCoordinator } from '../../core/service';
import { startWebServer } from '../../webServer';
import { ensureAppBuilt } from '../../appBuild';
import { integer } from '../args';
import type { Output } from '../output';

export const SERVE_HELP = `imlab serve [--port N] [--open] [--home <folder>] [--json]
  Runs the queue and serves the app and its API on 127.0.0.1 with a random
  token in the printed URL (requests without it get 401). Ctrl-C stops it;
  running runs checkpoint and resume on the next start.`;

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  spawn(cmd, args, { detached: true, stdio: 'ignore' }).on('error', () => {}).unref();
}

export async function serveCommand(argv: string[], out: Output): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, open: { type: 'boolean' }, home: { type: 'string' }, json: { type: 'boolean' } } });
  const port = integer(values.port, 'port', 0);
  if (port < 0 || port > 65535) throw new ImlabError('invalid_input', `--port must be 0–65535, got ${port}.`, 'port');
  const staticDir = ensureAppBuilt((line) => out.info(line));
  const coordinator = await startCoordinator({ appVersion: APP_VERSION, home: values.home });
  try {
    const web = await startWebServer(coordinator, { port, staticDir }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') throw new ImlabError('invalid_input', `--port ${port}: 127.0.0.1:${port} is already in use; choose another port or 0 for any free one.`, 'port');
      if (e.code === 'EACCES') throw new ImlabError('invalid_input', `--port ${port}: not allowed to listen on 127.0.0.1:${port}; choose a port above 1023.`, 'port');
      throw e;
    });
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
