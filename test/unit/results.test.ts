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
import { resultsTable } from '../../src/main/core/views/results';
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
