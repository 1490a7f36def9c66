import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/main/core/math/rng';

describe('Rng', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xa = Array.from({ length: 100 }, () => a.random());
    expect(Array.from({ length: 100 }, () => b.random())).toEqual(xa);
    expect(Array.from({ length: 100 }, () => c.random())).not.toEqual(xa);
  });

  it('distinguishes seeds that differ only above 32 bits', () => {
    expect(new Rng(1).random()).not.toBe(new Rng(1 + 2 ** 32).random());
  });

  it('restores its exact state, including a pending normal deviate', () => {
    const r = new Rng(7);
    r.normal();
    const state = r.getState();
    expect(state.spareNormal).not.toBeNull();
    const next = [r.normal(), r.random(), r.normal()];
    const restored = Rng.fromState(JSON.parse(JSON.stringify(state)));
    expect([restored.normal(), restored.random(), restored.normal()]).toEqual(next);
  });

  it('draws uniform numbers in [low, high) with the right mean', () => {
    const r = new Rng(1);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.uniform(-2, 3);
      expect(x >= -2 && x < 3).toBe(true);
      sum += x;
    }
    expect(sum / 100_000).toBeCloseTo(0.5, 1);
  });

  it('draws standard normal deviates (mean 0, variance 1, symmetric tails)', () => {
    const r = new Rng(2);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
      if (Math.abs(x) > 2) beyond2++;
    }
    expect(s / n).toBeCloseTo(0, 2);
    expect(s2 / n).toBeCloseTo(1, 1);
    // P(|X| > 2) = 0.0455 for a standard normal.
    expect(beyond2 / n).toBeCloseTo(0.0455, 2);
  });

  it('draws integers uniformly from [0, n)', () => {
    const r = new Rng(3);
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 50_000; i++) counts[r.int(5)]++;
    for (const c of counts) expect(c / 50_000).toBeCloseTo(0.2, 1);
  });

  it('refuses a seed that is not a safe integer', () => {
    expect(() => new Rng(1.5)).toThrow(/safe integer/);
  });
});
