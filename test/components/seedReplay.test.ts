import { describe, expect, it } from 'vitest';
import type { Api } from '../../src/shared/api';
import type { RunRow } from '../../src/shared/runs';
import { pickSeedRun } from '../../src/renderer/src/components/results/seedReplay';

const api = (finals: Record<number, number | null>): Pick<Api, 'getRun'> => ({
  getRun: async ({ id }: { id: number }) => ({ id, finalMean: finals[id] }) as unknown as RunRow & Awaited<ReturnType<Api['getRun']>>,
});

describe('pickSeedRun (a Results cell\'s best and worst seed)', () => {
  it('picks the highest and the lowest final return, runs without one last', async () => {
    const a = api({ 3: 900, 4: 1000, 5: 120, 6: null });
    await expect(pickSeedRun(a, [3, 4, 5, 6], 'best')).resolves.toBe(4);
    await expect(pickSeedRun(a, [3, 4, 5, 6], 'worst')).resolves.toBe(5);
  });

  it('gives best and worst different runs when the seeds tie', async () => {
    const a = api({ 5: 1000, 6: 1000, 7: 1000 });
    await expect(pickSeedRun(a, [5, 6, 7], 'best')).resolves.toBe(5);
    await expect(pickSeedRun(a, [5, 6, 7], 'worst')).resolves.toBe(7);
  });
});
