/**
 * A run's log lines (what its process reports with `log` events), one JSON
 * object per line in the run's folder, so the run page can show them and
 * read only what is new since the line it already has.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunLogLine } from '../../../shared/api';

const FILE = 'log.jsonl';

export function appendRunLog(dir: string, line: Omit<RunLogLine, 'index'>): void {
  if (!existsSync(dir)) return;
  appendFileSync(join(dir, FILE), `${JSON.stringify(line)}\n`);
}

/** Lines from index `since` on (at most `limit`), and the total count so far. */
export function readRunLog(dir: string | null, since: number, limit: number): { lines: RunLogLine[]; total: number } {
  const path = dir ? join(dir, FILE) : null;
  if (!path || !existsSync(path)) return { lines: [], total: 0 };
  const raw = readFileSync(path, 'utf8').split('\n');
  // A line being written while we read has no newline yet: leave it for the next call.
  const complete = raw.slice(0, -1);
  const lines = complete.slice(since, since + limit).map((s, i) => ({ index: since + i, ...(JSON.parse(s) as Omit<RunLogLine, 'index'>) }));
  return { lines, total: complete.length };
}
