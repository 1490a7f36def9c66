/**
 * A data folder moved or copied elsewhere keeps its runs: run folders are
 * stored relative to it, and the absolute ones of older databases are read
 * as this folder's own when it has them, so a copy never reads or writes the
 * original's run folders.
 */
import { cpSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { RunExecutor } from '../../src/main/core/queue/executor';
import { startCoordinator } from '../../src/main/core/service';
import { Store } from '../../src/main/core/store/store';
import { withReadDb } from '../helpers/db';
import { tempDir } from '../helpers/runs';

const idle: RunExecutor = { start: () => ({ pid: -1, stop: () => undefined, kill: () => undefined }) };

async function folderWithRuns(n: number): Promise<{ home: string; ids: number[] }> {
  const home = join(tempDir('moved'), 'original');
  const c = await startCoordinator({ appVersion: 'test', home, runQueue: false, executor: idle });
  const ids: number[] = [];
  for (let seed = 0; seed < n; seed++) ids.push((await c.api.queueRun({ config: { kind: 'expert', env: 'InvertedPendulum-v5', totalSteps: 2048, seed } })).id);
  await c.close();
  for (const id of ids) {
    mkdirSync(join(home, 'runs', String(id)), { recursive: true });
    writeFileSync(join(home, 'runs', String(id), 'policy.json'), '{}');
  }
  return { home, ids };
}

describe('a moved or copied data folder', () => {
  it('stores run folders relative to the data folder, and finds them after a move', async () => {
    const { home, ids } = await folderWithRuns(1);
    const stored = withReadDb(join(home, 'imlab.db'), (db) => db.prepare('SELECT dir FROM runs WHERE id = ?').get(ids[0])) as { dir: string };
    expect(stored.dir).toBe(join('runs', String(ids[0])));
    const moved = join(home, '..', 'moved');
    renameSync(home, moved);
    const c = await startCoordinator({ appVersion: 'test', home: moved, runQueue: false, executor: idle });
    try {
      expect((await c.api.getRun({ id: ids[0] })).dir).toBe(join(moved, 'runs', String(ids[0])));
    } finally {
      await c.close();
    }
  });

  it("reads an older database's absolute run folders as the copy's own, and keeps those the copy lacks", async () => {
    const { home, ids } = await folderWithRuns(2);
    // As databases before relative folders stored them.
    const old = new Database(join(home, 'imlab.db'));
    for (const id of ids) old.prepare('UPDATE runs SET dir = ? WHERE id = ?').run(join(home, 'runs', String(id)), id);
    old.close();
    const original = new Store(join(home, 'imlab.db'), { readonly: true });
    expect(original.runDir(ids[0])).toBe(join(home, 'runs', String(ids[0])));
    original.close();

    const copy = join(home, '..', 'copy');
    cpSync(home, copy, { recursive: true, filter: (src) => !src.endsWith(join('runs', String(ids[1]))) });
    const store = new Store(join(copy, 'imlab.db'), { readonly: true });
    try {
      expect(store.runDir(ids[0])).toBe(join(copy, 'runs', String(ids[0])));
      expect(store.getRunDetail(ids[0])!.dir).toBe(join(copy, 'runs', String(ids[0])));
      // Not copied: its data is still where the database says.
      expect(store.runDir(ids[1])).toBe(join(home, 'runs', String(ids[1])));
    } finally {
      store.close();
    }
  });
});
