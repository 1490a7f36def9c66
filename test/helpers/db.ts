/**
 * Looking into a run database from a test. The Store keeps its connection to
 * itself; a test that checks what it wrote below its named queries (pragmas,
 * raw rows) opens its own read-only handle, with the Store's own settings.
 */
import { openDatabase, type Db } from '../../src/main/core/store/database';
import type { Store } from '../../src/main/core/store/store';

export function readDb(path: string): Db {
  return openDatabase(path, { readonly: true });
}

/** Runs `f` on a read-only handle of the database at `path`, then closes it. */
export function withReadDb<T>(path: string, f: (db: Db) => T): T {
  const db = readDb(path);
  try {
    return f(db);
  } finally {
    db.close();
  }
}

/** How many metric rows a run has at each step, in step order. */
export function rowsPerStep(store: Store, runId: number): { step: number; n: number }[] {
  const counts = new Map<number, number>();
  for (const row of store.allMetrics(runId)) counts.set(row.step, (counts.get(row.step) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]).map(([step, n]) => ({ step, n }));
}
