/**
 * Where the app's read-only resources (models, presets) live: the repository's
 * resources/ folder when run from source, the packaged resources folder in a
 * built app, or IMLAB_RESOURCES when set.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImlabError } from '../../shared/errors';

let cached: string | undefined;

export function resourcesDir(): string {
  if (cached !== undefined) return cached;
  const override = process.env.IMLAB_RESOURCES;
  if (override) return (cached = resolve(override));
  const packaged = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, 'resources', 'models'))) return (cached = join(packaged, 'resources'));
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'resources');
    if (existsSync(join(candidate, 'models'))) return (cached = candidate);
    const parent = dirname(dir);
    if (parent === dir) throw new ImlabError('not_found', 'Cannot find the resources folder (set IMLAB_RESOURCES to its path).', 'IMLAB_RESOURCES');
    dir = parent;
  }
}
