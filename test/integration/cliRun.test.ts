/** `imlab run`: JSON lines per iteration, the final summary line, and refusals before anything trains. */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/runs';

function configFile(config: unknown): string {
  const path = join(tempDir('cfg'), 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

describe('imlab run', () => {
  it('prints one JSON line per iteration and a final summary line', () => {
    const out = tempDir('cli-run');
    const cfg = configFile({ kind: 'expert', env: 'InvertedPendulum-v5', totalSteps: 3072, evalEvery: 2, checkpointEvery: 2, finalEvalEpisodes: 3 });
    const r = runCli(['run', '--config', cfg, '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const metrics = lines.filter((l) => l.type === 'metrics');
    expect(metrics.map((m) => m.iteration)).toEqual([1, 2, 3]);
    expect(metrics[2]).toMatchObject({ envSteps: 3072 });
    const done = lines[lines.length - 1];
    expect(done).toMatchObject({ done: true, kind: 'expert', envSteps: 3072, backend: 'wasm-kernels', compute: 'wasm-kernels', tfBackend: null });
    expect(done.finalEval).toMatchObject({ episodes: 3 });
    expect(typeof (done.finalEval as { mean: number }).mean).toBe('number');
    expect(done.envStepsPerSec).toBeGreaterThan(0);
    for (const f of ['policy.json', 'config.json', 'summary.json', 'events.jsonl']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readdirSync(join(out, 'checkpoints')).length).toBeGreaterThan(0);
  });

  it('refuses an invalid config naming the field and the allowed range, exit code 2', () => {
    const cfg = configFile({ kind: 'expert', env: 'InvertedPendulum-v5', totalSteps: 1000, trpo: { maxKl: -1 } });
    const r = runCli(['run', '--config', cfg, '--out', tempDir('bad'), '--json']);
    expect(r.status).toBe(2);
    const { error } = JSON.parse(r.stderr) as { error: { code: string; field: string; message: string } };
    expect(error).toMatchObject({ code: 'invalid_config', field: 'trpo.maxKl' });
    expect(error.message).toMatch(/>0/);
  });

  it('refuses a dataset recorded on another environment before training starts', async () => {
    const { recordRun } = await import('../helpers/runs');
    const { backendReady } = await import('../helpers/tfBackend');
    await backendReady;
    const expert = await recordRun({ kind: 'expert', env: 'InvertedPendulum-v5', totalSteps: 1024, evalEvery: 0, finalEvalEpisodes: 1 });
    const data = await recordRun({ kind: 'sample', env: 'InvertedPendulum-v5', policy: expert.dir, episodes: 2 });
    const out = tempDir('mismatch');
    const cfg = configFile({ kind: 'gail', env: 'Hopper-v5', dataset: data.dir, trajectories: 2, totalSteps: 5000 });
    const r = runCli(['run', '--config', cfg, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/dataset was recorded on InvertedPendulum-v5, not Hopper-v5/);
    expect(readdirSync(join(out, 'checkpoints'))).toEqual([]);
  }, 60_000);

  it('refuses a policy path that does not exist', () => {
    const cfg = configFile({ kind: 'sample', env: 'Hopper-v5', policy: '/nonexistent/expert', episodes: 2 });
    const r = runCli(['run', '--config', cfg, '--out', tempDir('nopolicy')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/policy: \/nonexistent\/expert does not exist/);
  });
});
