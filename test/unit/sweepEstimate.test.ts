import { describe, expect, it } from 'vitest';
import { simulateWallTime } from '../../src/main/core/queue/sweepEstimate';

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

  it('fills free slots with independent runs while others wait', () => {
    // Two envs: a long chain and a short one; with two slots the short chain runs beside the long one.
    const durations = [10, 10, 1, 1];
    const deps = [[], [0], [], [2]];
    expect(simulateWallTime(durations, deps, 2)).toBe(20);
    expect(simulateWallTime(durations, deps, 1)).toBe(22);
    expect(simulateWallTime([], [], 2)).toBe(0);
  });
});
