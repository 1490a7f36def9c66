import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChildProcessExecutor, RUN_PROCESS_V8_FLAGS } from '../../src/main/core/queue/executor';
import type { ChildMessage } from '../../src/main/core/runs/processProtocol';

describe('ChildProcessExecutor', () => {
  it('starts each run in a process of its own with the run-process V8 flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imlab-executor-'));
    const entry = join(dir, 'entry.mjs');
    // Reports its pid and flags as a log line, then exits.
    writeFileSync(
      entry,
      `process.once('message', () => process.send({ type: 'event', event: { type: 'log', level: 'info', message: JSON.stringify({ pid: process.pid, execArgv: process.execArgv }) } }, () => process.exit(0)));`,
    );
    const executor = new ChildProcessExecutor(entry, []);
    const runOnce = () =>
      new Promise<{ pid: number; execArgv: string[] }>((resolve, reject) => {
        let reported: { pid: number; execArgv: string[] } | undefined;
        executor.start({ type: 'start', config: {}, dir, dbPath: join(dir, 'db'), resumeAtMost: 0 }, {
          onMessage: (m: ChildMessage) => {
            if (m.type === 'event' && m.event.type === 'log') reported = JSON.parse(m.event.message) as { pid: number; execArgv: string[] };
          },
          onExit: (code) => (code === 0 && reported ? resolve(reported) : reject(new Error(`exit ${code}`))),
        });
      });
    try {
      const a = await runOnce();
      const b = await runOnce();
      expect(a.execArgv).toEqual(RUN_PROCESS_V8_FLAGS);
      expect(b.execArgv).toEqual(RUN_PROCESS_V8_FLAGS);
      expect(a.pid).not.toBe(b.pid);
    } finally {
      executor.dispose();
    }
  });
});
