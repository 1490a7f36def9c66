import { describe, expect, it } from 'vitest';
import { linearDecay } from '../../src/main/core/learn/schedule';

describe('linearDecay', () => {
  it('moves linearly from the start value to start × endFraction', () => {
    expect(linearDecay(0.01, 0, 0)).toBe(0.01);
    expect(linearDecay(0.01, 0, 0.25)).toBeCloseTo(0.0075, 15);
    expect(linearDecay(0.01, 0.2, 0.5)).toBeCloseTo(0.006, 15);
    expect(linearDecay(3e-4, 0.5, 1)).toBeCloseTo(1.5e-4, 15);
  });

  it('holds the start value until decayStart, then moves linearly over the rest of the run', () => {
    expect(linearDecay(0.01, 0, 0.3, 0.5)).toBe(0.01);
    expect(linearDecay(0.01, 0, 0.5, 0.5)).toBe(0.01);
    expect(linearDecay(0.01, 0, 0.75, 0.5)).toBeCloseTo(0.005, 15);
    expect(linearDecay(0.01, 0.2, 1, 0.5)).toBeCloseTo(0.002, 15);
  });

  it('clamps progress to [0, 1]', () => {
    expect(linearDecay(2, 0, 1.5)).toBe(0);
    expect(linearDecay(2, 0, -1)).toBe(2);
  });

  it('returns the start value itself at endFraction 1, so a default schedule changes no bit', () => {
    for (const p of [0, 0.3, 0.7, 1]) expect(Object.is(linearDecay(0.1 + 0.2, 1, p), 0.1 + 0.2)).toBe(true);
  });
});
