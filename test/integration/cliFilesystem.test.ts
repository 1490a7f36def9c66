/**
 * The CLI against careless paths: an export never writes over the data
 * folder's own files nor over an existing file without --force, and every
 * filesystem error is one line naming the path, exit 2, no stack trace.
 */
import { createServer, type Server } from 'node:net';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli';
import { tempDir } from '../helpers/runs';

// Every CLI call is a process start (~2 s idle, far more on a loaded machine): generous timeouts.
const SLOW = 300_000;

const oneLineError = (r: CliResult, pattern: RegExp) => {
  expect(r.status, r.stderr).toBe(2);
  // Progress lines (e.g. "building the app…") may come first; the error is the last line and the only one.
  const lines = r.stderr.trim().split('\n');
  expect(lines.filter((l) => !/^building the app|^built /.test(l)), r.stderr).toHaveLength(1);
  expect(lines[lines.length - 1]).toMatch(/^error: |^\{"error"/);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
};

describe('imlab export refuses the data folder and existing files', () => {
  const home = tempDir('cli-fs-home');
  const outDir = tempDir('cli-fs-out');

  beforeAll(() => {
    const q = runCli(['queue', '--sweep', 'InvertedPendulum-quick', '--home', home, '--json']);
    expect(q.status, q.stderr).toBe(0);
    mkdirSync(join(home, 'runs', '1'), { recursive: true });
  }, SLOW);

  const listOk = () => {
    const r = runCli(['list', '--home', home, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(6);
  };

  it('refuses the database, its journals, the lock and the run folders, even with --force, and the database still works', () => {
    const before = readFileSync(join(home, 'imlab.db'));
    const targets: [string[], string, RegExp][] = [
      [['results'], 'imlab.db', /imlab\.db.*would destroy the run database/],
      [['metrics', '1', '--force'], 'imlab.db-wal', /imlab\.db-wal/],
      [['results', '--force'], 'imlab.db-shm', /imlab\.db-shm/],
      [['metrics', '1'], 'coordinator.lock', /coordinator\.lock/],
      [['results', '--force'], join('runs', '1', 'results.csv'), /inside the data folder's run folders/],
      [['dataset', '1'], 'runs', /inside the data folder's run folders/],
      [['results'], join('runs', '..', 'imlab.db'), /would destroy the run database/],
    ];
    for (const [args, rel, pattern] of targets) oneLineError(runCli(['export', ...args, '--out', join(home, rel), '--home', home]), pattern);
    expect(readFileSync(join(home, 'imlab.db')).equals(before)).toBe(true);
    listOk();
  }, SLOW);

  it('writes a new file atomically, refuses to overwrite it, and overwrites with --force', () => {
    const out = join(outDir, 'results.csv');
    const first = runCli(['export', 'metrics', '1', '--out', out, '--home', home, '--json']);
    expect(first.status, first.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^step,/);
    writeFileSync(out, 'mine');
    oneLineError(runCli(['export', 'metrics', '1', '--out', out, '--home', home]), /already exists; add --force/);
    expect(readFileSync(out, 'utf8')).toBe('mine');
    expect(runCli(['export', 'metrics', '1', '--out', out, '--home', home, '--force']).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^step,/);
    expect(readdirSync(outDir).filter((f) => f.includes('.tmp'))).toEqual([]);
  }, SLOW);

  it('names the path when the folder is missing or the target is a folder', () => {
    const missing = join(outDir, 'no', 'such', 'folder', 'r.csv');
    oneLineError(runCli(['export', 'results', '--out', missing, '--home', home]), new RegExp(`folder ${join(outDir, 'no', 'such', 'folder').replace(/[/\\]/g, '.')} does not exist`));
    oneLineError(runCli(['export', 'results', '--out', outDir, '--home', home]), /is a folder; give a file name/);
    const asJson = runCli(['export', 'results', '--out', outDir, '--home', home, '--json']);
    expect(asJson.status).toBe(2);
    expect(JSON.parse(asJson.stderr)).toEqual({ error: { code: 'invalid_input', field: 'out', message: expect.stringContaining(outDir) as unknown } });
  }, SLOW);
});

describe('imlab with a data folder or port it cannot use', () => {
  let busy: Server;
  let port = 0;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', () => ok()));
    port = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((ok) => busy.close(() => ok())));

  it('--home pointing at a file', () => {
    const file = join(tempDir('cli-fs-file'), 'not-a-folder');
    writeFileSync(file, 'x');
    oneLineError(runCli(['list', '--home', file]), new RegExp(`data folder .*not-a-folder cannot be used: it, or a folder above it, is a file`));
    oneLineError(runCli(['queue', '--sweep', 'InvertedPendulum-quick', '--home', join(file, 'below')]), /not-a-folder.*cannot be used/);
    expect(statSync(file).isFile()).toBe(true);
  }, SLOW);

  it('serve on a port that is already taken', () => {
    const r = runCli(['serve', '--port', String(port), '--home', tempDir('cli-fs-serve')]);
    oneLineError(r, new RegExp(`--port ${port}: 127\\.0\\.0\\.1:${port} is already in use`));
  }, SLOW);

  it('run --out pointing at a file', () => {
    const file = join(tempDir('cli-fs-run'), 'taken');
    writeFileSync(file, 'x');
    const config = join(tempDir('cli-fs-config'), 'c.json');
    writeFileSync(config, JSON.stringify({ kind: 'expert', env: 'InvertedPendulum-v5', totalSteps: 64 }));
    oneLineError(runCli(['run', '--config', config, '--out', file]), /taken.*(already exists|not a folder)/);
  }, SLOW);
});
