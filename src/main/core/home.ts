/**
 * The user's data folder: the run database, run folders (checkpoints,
 * policies) and the coordinator lock. IMLAB_HOME (or --home) overrides the
 * per-OS default; the Electron app passes its userData folder.
 */
import { mkdirSync } from 'node:fs';
import { ImlabError } from '../../shared/errors';
import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataHome {
  root: string;
  dbPath: string;
  runsDir: string;
  lockPath: string;
}

export function defaultDataRoot(): string {
  const home = homedir();
  switch (platform()) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'imitation-lab');
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'imitation-lab');
    default:
      return join(process.env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'imitation-lab');
  }
}

/** --home beats IMLAB_HOME beats the OS default. Creates the folders. */
export function dataHome(explicit?: string): DataHome {
  const root = resolve(explicit ?? process.env.IMLAB_HOME ?? defaultDataRoot());
  const runsDir = join(root, 'runs');
  try {
    mkdirSync(runsDir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'it, or a folder above it, is a file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? (e as Error).message);
    throw new ImlabError('invalid_input', `data folder ${root} cannot be used: ${why}.`, 'home');
  }
  return { root, dbPath: join(root, 'imlab.db'), runsDir, lockPath: join(root, 'coordinator.lock') };
}
