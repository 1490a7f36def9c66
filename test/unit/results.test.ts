/**
 * The results table's late-evaluation columns: per run the mean of its last
 * LAST_EVALUATIONS periodic deterministic evaluations (final and stochastic
 * ones excluded), then mean ± population std over the runs of a cell, next to
 * the final return; and the count of runs whose health check fired.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configKey, variantLabels } from '../../src/main/core/views/configVariants';
import { pooledReturns, resultsTable } from '../../src/main/core/views/results';
import { Store } from '../../src/main/core/store/store';
import { LAST_EVALUATIONS } from '../../src/shared/results';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

const ev = (mean: number, mode: 'deterministic' | 'stochastic' = 'deterministic') => ({ mode, episodes: 1, mean, std: 0, returns: [mean], lengths: [1] });

describe('resultsTable late evaluations', () => {
  it('reports each cell\'s mean of the runs\' last-N evaluation means and the flagged runs', async () => {
    dir = mkdtempSync(join(tmpdir(), 'imlab-results-'));
    const s = new Store(join(dir, 'db'));
    const gail = (seed: number) => ({ name: `g${seed}`, kind: 'gail' as const, env: 'Hopper-v5' as const, method: 'gail', trajectories: 4, seed, config: { kind: 'gail', dataset: 'dataset:1' } });
    const [a, b] = s.createRuns([gail(0), gail(1)], (id) => `/runs/${id}`);
    expect(LAST_EVALUATIONS).toBe(5);
    // Run a: 8 evaluations rising to 3,000 then degrading — its last five are 3000, 3000, 2000, 1000, 1000.
    [100, 500, 1000, 3000, 3000, 2000, 1000, 1000].forEach((m, i) => s.insertEvaluation(a, (i + 1) * 10, i, false, ev(m)));
    s.insertEvaluation(a, 90, 9, false, ev(5000, 'stochastic'));
    s.insertEvaluation(a, 90, 9, true, ev(900));
    // Run b: only two evaluations.
    s.insertEvaluation(b, 10, 1, false, ev(3000));
    s.insertEvaluation(b, 20, 2, false, ev(3200));
    s.insertEvaluation(b, 20, 2, true, ev(3100));
    for (const id of [a, b]) {
      s.updateRun(id, { status: 'succeeded' });
      s.setFinal(id, id === a ? 900 : 3100, 0, 1);
    }
    s.setHealth(a, { code: 'discriminator-won', message: 'm', sinceEnvSteps: 1 });
    const t = await resultsTable(s, async () => ({ mean: 0, std: 0, episodes: 1 }));
    const row = t.rows.find((r) => r.method === 'gail')!;
    expect(row.mean).toBeCloseTo(2000, 9);
    const lateA = (3000 + 3000 + 2000 + 1000 + 1000) / 5;
    const lateB = 3100;
    expect(row.lastEvalsMean).toBeCloseTo((lateA + lateB) / 2, 9);
    expect(row.lastEvalsStd).toBeCloseTo(Math.abs(lateA - lateB) / 2, 9);
    expect(row.flagged).toBe(1);
    s.close();
  });
});

describe('resultsTable configurations', () => {
  it('never averages runs that differ in more than the seed: a cell per configuration, labelled by what differs', async () => {
    dir = mkdtempSync(join(tmpdir(), 'imlab-results-'));
    const s = new Store(join(dir, 'db'));
    const base = { kind: 'bc', env: 'Hopper-v5', dataset: 'dataset:1', iterations: 10_000, loss: 'mse', optimizer: { learningRate: 1e-3 } };
    const bc = (seed: number, k: number, over: Record<string, unknown>) => ({
      name: `b${seed}`, kind: 'bc' as const, env: 'Hopper-v5' as const, method: 'bc', trajectories: k, seed,
      config: { ...base, ...over, seed, trajectories: k, name: `bc·k=${k}·s=${seed}` },
    });
    const specs = [bc(0, 4, {}), bc(1, 4, {}), bc(0, 4, { loss: 'nll' }), bc(0, 25, { loss: 'nll', optimizer: { learningRate: 1e-4 } })];
    const ids = s.createRuns(specs, (id) => `/runs/${id}`);
    const finals = [100, 300, 1000, 2000];
    ids.forEach((id, i) => {
      s.updateRun(id, { status: 'succeeded' });
      s.setFinal(id, finals[i], 0, 1);
    });
    const rows = (await resultsTable(s, async () => ({ mean: 0, std: 0, episodes: 1 }))).rows.filter((r) => r.method === 'bc');
    expect(rows.map((r) => [r.trajectories, r.variant, r.mean, r.seeds, r.runIds])).toEqual([
      [4, 'loss "mse" · optimizer.learningRate 0.001', 200, 2, [ids[0], ids[1]]],
      [4, 'loss "nll" · optimizer.learningRate 0.001', 1000, 1, [ids[2]]],
      [25, 'loss "nll" · optimizer.learningRate 0.0001', 2000, 1, [ids[3]]],
    ]);
    s.close();
  });

  it('labels nothing when the runs differ only in seed, name and k', () => {
    const a = { kind: 'gail', seed: 1, name: 'x', trajectories: 4, d: { lr: 1 } };
    const b = { kind: 'gail', seed: 2, name: 'y', trajectories: 25, d: { lr: 1 } };
    expect(configKey(a)).toBe(configKey(b));
    expect(variantLabels([a, b]).size).toBe(0);
    expect([...variantLabels([a, { ...b, d: { lr: 2 }, extra: true }]).values()]).toEqual(['d.lr 1 · extra unset', 'd.lr 2 · extra true']);
  });

  it('pools the expert row over the trajectories of every dataset the runs imitated', () => {
    expect(pooledReturns([])).toBeNull();
    expect(pooledReturns([{ n: 25, mean: 3102.6, std: 401.5 }])).toEqual({ n: 25, mean: 3102.6, std: 401.5 });
    // 2 trajectories at 10 ± 0 and 2 at 20 ± 0: mean 15, every return 5 from it.
    expect(pooledReturns([{ n: 2, mean: 10, std: 0 }, { n: 2, mean: 20, std: 0 }])).toEqual({ n: 4, mean: 15, std: 5 });
    // Returns {1, 3} (mean 2, std 1) and {6} (std 0): all three {1, 3, 6}, mean 10/3.
    const p = pooledReturns([{ n: 2, mean: 2, std: 1 }, { n: 1, mean: 6, std: 0 }])!;
    expect(p.mean).toBeCloseTo(10 / 3, 12);
    expect(p.std).toBeCloseTo(Math.sqrt(((1 - 10 / 3) ** 2 + (3 - 10 / 3) ** 2 + (6 - 10 / 3) ** 2) / 3), 12);
  });
});
