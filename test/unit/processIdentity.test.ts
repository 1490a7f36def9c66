/**
 * A stored pid names a process only while that process's identity matches:
 * crash recovery stops the very run process a dead coordinator left, never a
 * process that reused its pid, nor one whose coordinator still runs it (a
 * copied data folder); a coordinator lock whose pid was reused is stale.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoordinatorLock, processAlive } from '../../src/main/core/queue/coordinatorLock';
import type { RunExecutor } from '../../src/main/core/queue/executor';
import { processIdentity } from '../../src/main/core/processIdentity';
import { startCoordinator } from '../../src/main/core/service';
import { Store } from '../../src/main/core/store/store';
import { waitFor } from '../helpers/coordinator';
import { tempDir } from '../helpers/runs';

const children: ChildProcess[] = [];
const sleeper = () => {
  const c = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(c);
  return c.pid!;
};
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** Runs nothing: the test is about what recovery does before any run starts. */
const idle: RunExecutor = { start: () => ({ pid: -1, stop: () => undefined, kill: () => undefined }) };

describe.skipIf(process.platform === 'win32')('processIdentity', () => {
  it('is stable for one process, names its parent, and is null once it is gone', async () => {
    const me = processIdentity(process.pid)!;
    expect(me).toEqual(processIdentity(process.pid));
    expect(me.parent).toBe(process.ppid);
    const pid = sleeper();
    const child = processIdentity(pid)!;
    expect(child.parent).toBe(process.pid);
    expect(child.started).not.toBe(me.started);
    children.pop()!.kill('SIGKILL');
    await waitFor(() => processIdentity(pid) === null, 5000, 'the child to be gone');
    expect(processIdentity(0)).toBeNull();
  });

  it('stops at a restart only the run process a dead coordinator left, not a reused pid nor a process its coordinator still runs', async () => {
    const home = tempDir('orphans');
    const queuer = await startCoordinator({ appVersion: 'test', home, runQueue: false });
    const ids: number[] = [];
    for (const seed of [1, 2, 3]) ids.push((await queuer.api.queueRun({ config: { kind: 'expert', env: 'InvertedPendulum-v5', totalSteps: 2048, seed } })).id);
    await queuer.close();

    const [reused, stillOwned, orphan] = [sleeper(), sleeper(), sleeper()];
    const store = new Store(join(home, 'imlab.db'));
    const running = (id: number, pid: number, identity: { started: string; parent: number }) => store.updateRun(id, { status: 'running', pid, pidIdentity: identity });
    // The stored process started at another time: its pid now belongs to some other process.
    running(ids[0], reused, { ...processIdentity(reused)!, started: 'another process' });
    // Still the child of the coordinator that started it (the original of a copied folder runs it).
    running(ids[1], stillOwned, processIdentity(stillOwned)!);
    // Its coordinator (a pid no process has) is gone.
    running(ids[2], orphan, { ...processIdentity(orphan)!, parent: 2_000_000_000 });
    store.setSetting('queue.autoResume', false);
    store.close();

    const c = await startCoordinator({ appVersion: 'test', home, executor: idle });
    try {
      await waitFor(() => !processAlive(orphan) || processIdentity(orphan) === null, 15_000, 'the orphan to stop');
      expect(children.find((ch) => ch.pid === orphan)!.signalCode).toBe('SIGTERM');
      expect(processAlive(reused)).toBe(true);
      expect(processAlive(stillOwned)).toBe(true);
      for (const id of ids) expect(c.store.getRun(id)!.status).toBe('interrupted');
    } finally {
      await c.close();
    }
  });

  it('takes over a coordinator lock whose pid now belongs to another process, and respects a live one', () => {
    const dir = tempDir('lock');
    const path = join(dir, 'coordinator.lock');
    const pid = sleeper();
    writeFileSync(path, JSON.stringify({ pid, startedAt: 0, process: 'a coordinator that is gone' }));
    const lock = new CoordinatorLock(path);
    lock.acquire();
    lock.release();
    writeFileSync(path, JSON.stringify({ pid, startedAt: 0, process: processIdentity(pid)!.started }));
    expect(() => new CoordinatorLock(path).acquire()).toThrow(/Another Imitation Lab coordinator \(pid \d+/);
  });
});
