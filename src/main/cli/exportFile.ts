/**
 * Where an export may be written, and how. An export never lands on the data
 * folder's own files (the database, its -wal/-shm journals, the coordinator
 * lock, anything under runs/): writing there destroys the data it exports.
 * It is written to a temporary file beside the target and renamed over it,
 * so a failed export never leaves half a file, and an existing file is only
 * replaced with --force.
 */
import { existsSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ImlabError } from '../../shared/errors';
import type { DataHome } from '../core/home';

const refuse = (message: string) => new ImlabError('invalid_input', message, 'out');

/** The real path of `p`, following symlinks of the longest existing prefix. */
function realish(p: string): string {
  const abs = resolve(p);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = dirname(abs);
  return parent === abs ? abs : join(realish(parent), basename(abs));
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** Throws the documented one-line message when `out` may not be written; returns its absolute path. */
export function checkExportTarget(out: string, home: DataHome, force: boolean): string {
  const target = resolve(out);
  const real = realish(target);
  const protectedFiles = [home.dbPath, `${home.dbPath}-wal`, `${home.dbPath}-shm`, `${home.dbPath}-journal`, home.lockPath].map(realish);
  if (protectedFiles.includes(real)) throw refuse(`--out ${out} is the data folder's own ${basename(real)}; exporting there would destroy the run database. Choose another file.`);
  if (inside(real, realish(home.runsDir))) throw refuse(`--out ${out} is inside the data folder's run folders (${home.runsDir}); choose a file outside it.`);
  const parent = dirname(target);
  if (!existsSync(parent)) throw refuse(`--out ${out}: the folder ${parent} does not exist.`);
  if (!statSync(parent).isDirectory()) throw refuse(`--out ${out}: ${parent} is not a folder.`);
  if (existsSync(target)) {
    if (statSync(target).isDirectory()) throw refuse(`--out ${out} is a folder; give a file name.`);
    if (!force) throw refuse(`--out ${out} already exists; add --force to overwrite it.`);
  }
  return target;
}

/** Writes `data` to `target` through a temporary file in the same folder and a rename. */
export function writeExportAtomically(target: string, data: string | Buffer): void {
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    throw refuse(`--out ${target}: could not write (${err.code ?? err.message}).`);
  }
}
