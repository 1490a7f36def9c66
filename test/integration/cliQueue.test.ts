/**
 * The queue from the command line: queue a sweep, list, show, cancel, delete,
 * import and export; and with a coordinator already serving the data folder,
 * the CLI acts as its client (and a second coordinator is refused).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/runs';
import { waitFor } from '../helpers/coordinator';

const json = <T>(r: { stdout: string }) => JSON.parse(r.stdout) as T;

describe('imlab queue, list, show, cancel, delete (no coordinator running)', () => {
  const home = tempDir('cli-queue');

  it('queues a sweep preset by name and lists its runs with their dependencies', () => {
    const q = runCli(['queue', '--sweep', 'InvertedPendulum-quick', '--home', home, '--json']);
    expect(q.stderr).toBe('');
    const { runIds, sweepId } = json<{ runIds: number[]; sweepId: number }>(q);
    expect(runIds).toHaveLength(6);
    const list = json<{ id: number; status: string; name: string; dependsOn: number[] }[]>(runCli(['list', '--home', home, '--json']));
    expect(list.map((r) => r.status)).toEqual(Array(6).fill('queued'));
    expect(list.find((r) => r.name.startsWith('sample'))!.dependsOn).toEqual([runIds[0]]);
    const shown = json<{ sweepId: number; config: { kind: string } }>(runCli(['show', String(runIds[0]), '--home', home, '--json']));
    expect(shown).toMatchObject({ sweepId, config: { kind: 'expert' } });
  });

  it('cancels a queued run, which blocks the runs that depend on it', () => {
    expect(runCli(['cancel', '1', '--home', home]).status).toBe(0);
    const list = json<{ id: number; status: string }[]>(runCli(['list', '--home', home, '--json']));
    expect(list.find((r) => r.id === 1)!.status).toBe('cancelled');
    expect(list.filter((r) => r.status === 'blocked')).toHaveLength(5);
    expect(runCli(['list', '--status', 'blocked', '--home', home, '--json']).stdout).toContain('"blocked"');
  });

  it('refuses to delete a run others wait for, and deletes a finished one', () => {
    const retry = json<{ id: number }>(runCli(['retry', '1', '--home', home, '--json']));
    expect(retry.id).toBe(7);
    const waiting = runCli(['delete', '7', '--home', home]);
    expect(waiting.status).toBe(2);
    expect(waiting.stderr).toMatch(/runs waiting for it/);
    expect(runCli(['delete', '1', '--home', home]).status).toBe(0);
    expect(runCli(['show', '1', '--home', home]).stderr).toMatch(/No run with id 1/);
  });

  it('answers bad ids and statuses with errors naming them', () => {
    expect(runCli(['show', 'abc', '--home', home]).stderr).toMatch(/run must be a positive integer id/);
    expect(runCli(['list', '--status', 'done', '--home', home]).stderr).toMatch(/--status done is not a status/);
    expect(runCli(['queue', '--sweep', 'NoSuchSweep', '--home', home]).stderr).toMatch(/no such file or sweep preset/);
  });

  it('imports an .npz dataset all or nothing, and exports it again', () => {
    const bad = runCli(['import', 'dataset', 'test/fixtures/npz/hopper_wrong_obs_dim.npz', '--env', 'Hopper-v5', '--home', home]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/obs has shape/);
    expect(json<unknown[]>(runCli(['datasets', '--home', home, '--json']))).toHaveLength(0);
    const ok = runCli(['import', 'dataset', 'test/fixtures/npz/pendulum_equal.npz', '--env', 'InvertedPendulum-v5', '--name', 'from baselines', '--home', home, '--json']);
    expect(ok.stderr).toBe('');
    const imported = json<{ id: number; trajectories: number; meanReturn: number }>(ok);
    expect(imported.trajectories).toBeGreaterThan(0);
    expect(Number.isFinite(imported.meanReturn)).toBe(true);
    const out = join(tempDir('export'), 'data.npz');
    expect(runCli(['export', 'dataset', String(imported.id), '--out', out, '--home', home]).status).toBe(0);
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
  });
});

describe('with a coordinator serving the data folder', () => {
  let serve: ChildProcess | undefined;
  afterAll(() => serve?.kill('SIGTERM'));

  it('makes the CLI its client, and refuses a second coordinator', async () => {
    const home = tempDir('cli-client');
    serve = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'serve', '--home', home, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((r) => serve!.stdout!.once('data', r));
    const cfg = join(tempDir('cfg'), 'expert.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cfg, JSON.stringify({ kind: 'expert', env: 'InvertedPendulum-v5', totalSteps: 2048, evalEvery: 0, finalEvalEpisodes: 2 }));
    const queued = json<{ runIds: number[] }>(runCli(['queue', '--config', cfg, '--home', home, '--json']));
    // The serving coordinator runs it: the CLI only asked.
    await waitFor(() => json<{ status: string }[]>(runCli(['list', '--home', home, '--json']))[0]?.status === 'succeeded', 90_000, 'the run to succeed');
    expect(queued.runIds).toEqual([1]);
    const second = runCli(['work', '--home', home]);
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(/Another coordinator is running the queue already/);
  }, 120_000);
});
