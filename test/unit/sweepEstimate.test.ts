import { describe, expect, it } from 'vitest';
import { previewSweep, simulateWallTime } from '../../src/main/core/queue/sweepEstimate';
import type { RunRow } from '../../src/shared/runs';
import { sweepSpecSchema } from '../../src/shared/sweeps';

describe('sweep wall-time estimate', () => {
  it('runs dependents after their dependencies, at most `concurrency` at once, in order', () => {
    // expert(10) → sample(2) → four imitation runs of 5 each.
    const durations = [10, 2, 5, 5, 5, 5];
    const deps = [[], [0], [1], [1], [1], [1]];
    expect(simulateWallTime(durations, deps, 1)).toBe(32);
    expect(simulateWallTime(durations, deps, 2)).toBe(22);
    expect(simulateWallTime(durations, deps, 4)).toBe(17);
    expect(simulateWallTime(durations, deps, 64)).toBe(17);
  });

  it('gives a run on several threads as many slots, holding back the runs behind it until they are free', () => {
    // A 2-thread expert(10) beside two 1-thread chains: with 2 slots the expert runs alone.
    expect(simulateWallTime([10, 3, 3], [[], [], []], 2, [2, 1, 1])).toBe(13);
    // Behind a running 1-slot run, the 2-slot run waits and so does the 1-slot run after it.
    expect(simulateWallTime([4, 10, 1], [[], [], []], 2, [1, 2, 1])).toBe(15);
    // Wider than the limit: alone.
    expect(simulateWallTime([5, 5], [[], []], 2, [3, 1])).toBe(10);
  });

  it('fills free slots with independent runs while others wait', () => {
    // Two envs: a long chain and a short one; with two slots the short chain runs beside the long one.
    const durations = [10, 10, 1, 1];
    const deps = [[], [0], [], [2]];
    expect(simulateWallTime(durations, deps, 2)).toBe(20);
    expect(simulateWallTime(durations, deps, 1)).toBe(22);
    expect(simulateWallTime([], [], 2)).toBe(0);
  });

  it('keeps each expert algorithm\'s rate apart, and expects an ARS expert at physics speed on each of its threads', () => {
    const finished = (id: number, method: string, envSteps: number, seconds: number) =>
      ({ id, kind: 'expert', env: 'Hopper-v5', method, status: 'succeeded', envSteps, iteration: 0, startedAt: 0, finishedAt: seconds * 1000 }) as RunRow;
    const spec = (expert: Record<string, unknown>) => sweepSpecSchema.parse({ name: 's', envs: ['Hopper-v5'], expert, methods: ['bc'], trajectories: [4], seeds: [0] });
    const runs = [finished(1, 'trpo', 1_000_000, 100), finished(2, 'ars', 6_000_000, 200)];
    const trpo = previewSweep(spec({ algorithm: 'trpo', totalSteps: 1_000_000 }), runs, 2);
    expect(trpo.rates.find((r) => r.kind === 'expert')).toMatchObject({ method: 'trpo', perSecond: 10_000, source: 'measured', runs: 1 });
    expect(trpo.runs[0].seconds).toBe(100);
    const ars = previewSweep(spec({ algorithm: 'ars', hiddenSizes: [], totalSteps: 3_000_000 }), runs, 2);
    expect(ars.rates.find((r) => r.kind === 'expert')).toMatchObject({ method: 'ars', perSecond: 30_000, source: 'measured' });
    // With no ARS run here yet: the bare env's README rate (14,068 steps/s for Hopper) times its threads.
    const fresh = previewSweep(spec({ algorithm: 'ars', hiddenSizes: [], totalSteps: 3_000_000, ars: { workers: 3 } }), [], 2);
    expect(fresh.rates.find((r) => r.kind === 'expert')).toMatchObject({ method: 'ars', perSecond: 3 * 14_068, source: 'reference' });
    expect(previewSweep(spec({ algorithm: 'trpo', totalSteps: 1 }), [], 2).rates.find((r) => r.kind === 'expert')).toMatchObject({ method: 'trpo', perSecond: 14_068 * 0.6 });
  });
});
