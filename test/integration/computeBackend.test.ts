/**
 * A run records what computed its numbers: the WebAssembly kernels always,
 * tfjs (with its backend) only where Behavioral Cloning trains; older records
 * (the tfjs backend loaded in the process) still display.
 */
import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../../src/shared/runConfigs';
import { abbreviateBackend, backendLabel, describeBackend } from '../../src/shared/computeBackend';
import { randomPolicyDataset, recordRun } from '../helpers/runs';
import { backendReady } from '../helpers/tfBackend';

const env = 'InvertedPendulum-v5' as const;

describe('the recorded backend', () => {
  it('labels and describes new and older records', () => {
    expect(backendLabel({ compute: 'wasm-kernels', tfBackend: null })).toBe('wasm-kernels');
    expect(backendLabel({ compute: 'wasm-kernels', tfBackend: 'tensorflow' })).toBe('wasm-kernels+tfjs-tensorflow');
    expect(describeBackend('wasm-kernels')).toBe('WASM kernels');
    expect(describeBackend('wasm-kernels+tfjs-wasm')).toBe('WASM kernels + tfjs (wasm)');
    expect(abbreviateBackend('wasm-kernels+tfjs-cpu')).toBe('kernels+tf cpu');
    expect(abbreviateBackend('wasm-kernels')).toBe('kernels');
    for (const old of ['wasm', 'tensorflow', 'cpu', 'js']) {
      expect(abbreviateBackend(old)).toBe(old);
      expect(describeBackend(old)).toBe(`${old} (tfjs backend, recorded by an older version)`);
    }
    expect(describeBackend(null)).toBe('–');
  });

  it('is the kernels alone for GAIL without a warm start, and the kernels plus the tfjs backend for BC and a warm start', async () => {
    const tf = await backendReady;
    const dataset = await randomPolicyDataset(env, 3, 1);
    const small = { env, dataset, trajectories: 3, hiddenSizes: [8], finalEvalEpisodes: 1 };
    const gail = { ...small, kind: 'gail', totalSteps: 64, gSteps: 1, evalEvery: 0, checkpointEvery: 0, expertSubsample: 1, trpo: { batchSteps: 64 }, bcWarmStartIterations: 0 } satisfies RunConfigInput;

    const plain = await recordRun(gail);
    expect(plain.summary).toMatchObject({ backend: 'wasm-kernels', compute: 'wasm-kernels', tfBackend: null });
    expect(plain.events.find((e) => e.type === 'started')).toMatchObject({ backend: 'wasm-kernels' });

    const warm = await recordRun({ ...gail, bcWarmStartIterations: 2 });
    expect(warm.summary).toMatchObject({ backend: `wasm-kernels+tfjs-${tf}`, compute: 'wasm-kernels', tfBackend: tf });

    const bc = await recordRun({ ...small, kind: 'bc' as const, iterations: 2, evalEvery: 0, checkpointEvery: 0, validateEvery: 1, batchSize: 4 });
    expect(bc.summary).toMatchObject({ backend: `wasm-kernels+tfjs-${tf}`, tfBackend: tf });
    expect(bc.events.find((e) => e.type === 'started')).toMatchObject({ backend: `wasm-kernels+tfjs-${tf}` });
  }, 60_000);
});
