/** A saved policy is refused by eval and sample runs on an environment it was not trained for, before anything runs. */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GaussianPolicy } from '../../src/main/core/learn/policy';
import { Rng } from '../../src/main/core/math/rng';
import { runJob } from '../../src/main/core/runs/runJob';
import { RunDirectory } from '../../src/main/core/runs/storage';
import { ImlabError } from '../../src/shared/errors';
import { ENV_SPECS } from '../../src/shared/envCatalog';

describe('policy / environment check', () => {
  const s = ENV_SPECS['InvertedPendulum-v5'];
  const root = mkdtempSync(join(tmpdir(), 'imlab-policy-check-'));
  const policyFile = join(root, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(new GaussianPolicy({ env: s.id, obsDim: s.obsDim, actDim: s.actDim, hiddenSizes: [8], actLow: s.actLow, actHigh: s.actHigh }, undefined, new Rng(0)).toFile()));

  it.each([
    { kind: 'eval', env: 'Hopper-v5', policy: policyFile, episodes: 1 },
    { kind: 'sample', env: 'Hopper-v5', policy: policyFile, episodes: 1 },
  ])('$kind on Hopper-v5 refuses an InvertedPendulum policy, naming both, and writes nothing', async (config) => {
    const dir = mkdtempSync(join(root, `${config.kind}-`));
    const events: unknown[] = [];
    const error = await runJob(config, { storage: new RunDirectory(dir), sink: { emit: (e) => events.push(e) } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImlabError);
    expect((error as ImlabError).field).toBe('policy');
    expect((error as ImlabError).message).toMatch(/InvertedPendulum-v5 \(obs 4, actions 1\); Hopper-v5 needs obs 11, actions 3/);
    expect(events.filter((e) => (e as { type: string }).type !== 'log')).toEqual([]);
    expect(readdirSync(dir).filter((f) => f !== 'config.json' && f !== 'checkpoints')).toEqual([]);
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual([]);
  });

  it('eval on the right environment runs the same policy file', async () => {
    const summary = await runJob({ kind: 'eval', env: s.id, policy: policyFile, episodes: 1 }, { storage: new RunDirectory(mkdtempSync(join(root, 'ok-'))), sink: { emit: () => {} } });
    expect(summary).toMatchObject({ done: true, kind: 'eval', env: s.id });
  });
});
