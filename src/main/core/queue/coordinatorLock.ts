/**
 * One coordinator per data folder: it alone writes the database and runs the
 * queue. The lock file names its process; a lock whose process is gone is
 * stale and taken over, also when its pid now belongs to another process
 * (after a reboot).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ImlabError } from '../../../shared/errors';
import { processIdentity } from '../processIdentity';

export interface LockInfo {
  pid: number;
  startedAt: number;
  /** The coordinator process's start (processIdentity), so a reused pid does not hold the lock. */
  process?: string;
  /** Where the coordinator serves its web UI/API, when it does, and the token it needs. */
  url?: string;
  token?: string;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    if (!processAlive(info.pid)) return null;
    const now = info.process === undefined ? null : processIdentity(info.pid);
    return now && now.started !== info.process ? null : info;
  } catch {
    return null;
  }
}

export class CoordinatorLock {
  private held = false;

  constructor(readonly path: string) {}

  acquire(url?: string): void {
    const other = readLock(this.path);
    if (other && other.pid !== process.pid) {
      throw new ImlabError(
        'invalid_input',
        `Another Imitation Lab coordinator (pid ${other.pid}, started ${new Date(other.startedAt).toISOString()}${other.url ? `, serving ${other.url}` : ''}) owns this data folder. Use it, or stop it first.`,
        'home',
      );
    }
    this.write({ pid: process.pid, startedAt: Date.now(), process: processIdentity(process.pid)?.started, url });
    this.held = true;
  }

  /** Records where clients can reach this coordinator once its server listens. */
  setUrl(url: string, token: string): void {
    const info = readLock(this.path);
    if (info?.pid === process.pid) this.write({ ...info, url, token });
  }

  release(): void {
    if (!this.held) return;
    const info = readLock(this.path);
    if (info?.pid === process.pid) rmSync(this.path, { force: true });
    this.held = false;
  }

  private write(info: LockInfo): void {
    // The token in it lets local CLI clients in: readable by this user only.
    writeFileSync(this.path, JSON.stringify(info), { mode: 0o600 });
  }
}
