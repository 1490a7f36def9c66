/**
 * The GAIL collapse check: fires on a constructed history with each measured
 * signature (policy accuracy ≈ 1, GAIL reward < 0.05 for many iterations,
 * true return flat; or the true return far below the demonstrations' for
 * most of a million steps) and stays quiet on a healthy run, on a short dip,
 * and on a run whose return climbs while D is confident.
 */
import { describe, expect, it } from 'vitest';
import { gailHealth, healthPoints, type GailHealthPoint } from '../../src/main/core/learn/gailHealth';

const STEPS = 3072;

/** `n` iterations from iteration `from`, each given by f(i). */
function history(n: number, f: (i: number) => Omit<GailHealthPoint, 'envSteps' | 'demonstrationReturn'> & { demonstrationReturn?: number | null }, from = 0): GailHealthPoint[] {
  return Array.from({ length: n }, (_, k) => ({ envSteps: (from + k + 1) * STEPS, demonstrationReturn: 3100, ...f(from + k) }));
}

const healthy = (i: number) => ({ policyAccuracy: 0.6 + 0.1 * Math.sin(i), gailReward: 0.5 + 0.1 * Math.cos(i), episodeReturn: Math.min(3200, 300 + 10 * i) });
const collapsed = () => ({ policyAccuracy: 1, gailReward: 0.03, episodeReturn: 700 });

describe('gailHealth', () => {
  it('fires on the collapse signature and says since when', () => {
    // Healthy for 100 iterations, then D wins for 200 with the return stuck at ~700 (as Hopper k = 4 seed 4).
    const h = [...history(100, healthy), ...history(200, (i) => ({ ...collapsed(), episodeReturn: 700 + 5 * Math.sin(i) }), 100)];
    const w = gailHealth(h);
    expect(w).not.toBeNull();
    expect(w!.code).toBe('discriminator-won');
    expect(w!.sinceEnvSteps).toBe(101 * STEPS);
    expect(w!.message).toMatch(/since 310k env steps/);
    expect(w!.message).toMatch(/100% of policy samples/);
    expect(w!.message).toMatch(/0\.030/);
    expect(w!.message).toMatch(/near 70\d/);
  });

  it('fires on a stretch that ended (a collapse the run later left) and names its end', () => {
    const h = [...history(50, healthy), ...history(40, collapsed, 50), ...history(60, healthy, 90)];
    const w = gailHealth(h);
    expect(w?.sinceEnvSteps).toBe(51 * STEPS);
    expect(w!.message).toMatch(/from 157k to 280k env steps/);
  });

  it('stays quiet on a healthy run', () => {
    expect(gailHealth(history(300, healthy))).toBeNull();
  });

  it('stays quiet when the signature lasts fewer iterations than the limit', () => {
    const h = [...history(50, healthy), ...history(29, collapsed, 50), ...history(50, healthy, 79)];
    expect(gailHealth(h)).toBeNull();
  });

  it('stays quiet when D is confident but the true return climbs (the policy is still learning)', () => {
    const h = history(100, (i) => ({ policyAccuracy: 0.99, gailReward: 0.04, episodeReturn: 200 + 20 * i }));
    expect(gailHealth(h)).toBeNull();
  });

  it('needs both conditions: accuracy 1 with a healthy reward, or a low reward with D unsure, is not a collapse', () => {
    expect(gailHealth(history(100, () => ({ policyAccuracy: 1, gailReward: 0.2, episodeReturn: 700 })))).toBeNull();
    expect(gailHealth(history(100, () => ({ policyAccuracy: 0.9, gailReward: 0.01, episodeReturn: 700 })))).toBeNull();
  });

  // Hopper k = 4 seed 58: D not quite winning (accuracy ~0.93, reward ~0.2) while episodes fall after ~90 steps at ~200.
  const stuck = (i: number) => ({ policyAccuracy: 0.93, gailReward: 0.2, episodeReturn: 200 + 10 * Math.sin(i) });

  it('fires "stalled" when the true return stays below a quarter of the demonstrations\' for 300 iterations', () => {
    const h = [...history(50, () => ({ policyAccuracy: 0.7, gailReward: 0.4, episodeReturn: 3000 })), ...history(320, stuck, 50), ...history(100, healthy, 370)];
    const w = gailHealth(h);
    expect(w).toMatchObject({ code: 'stalled', sinceEnvSteps: 51 * STEPS });
    expect(w!.message).toMatch(/^The true return stayed below 25% of the demonstrations' \(3,100\) from 157k to 1\.14M env steps, averaging 200\./);
  });

  it('stays quiet on a stall of 299 iterations (a run that recovers, as the slowest measured ones did), or without the data\'s return', () => {
    expect(gailHealth([...history(299, stuck), ...history(100, healthy, 299)])).toBeNull();
    expect(gailHealth(history(400, (i) => ({ ...stuck(i), demonstrationReturn: null })))).toBeNull();
    // At 26% of the data's return the run is not counted as stalled.
    expect(gailHealth(history(400, () => ({ policyAccuracy: 0.93, gailReward: 0.2, episodeReturn: 0.26 * 3100 })))).toBeNull();
  });

  it('reports a won discriminator before a stall when a history shows both', () => {
    expect(gailHealth(history(400, () => ({ ...collapsed(), episodeReturn: 200 })))?.code).toBe('discriminator-won');
  });

  it('builds its points from stored metric series aligned by iteration', () => {
    const steps = Array.from({ length: 40 }, (_, i) => i + 1);
    const envSteps = steps.map((s) => s * STEPS);
    const series = [
      { name: 'gailReward', steps, envSteps, values: steps.map(() => 0.02), total: 40 },
      { name: 'discriminatorAccuracyPolicy', steps, envSteps, values: steps.map(() => 1), total: 40 },
      // Training episodes finish only from iteration 3 on.
      { name: 'episodeReturn', steps: steps.slice(2), envSteps: envSteps.slice(2), values: steps.slice(2).map(() => 650), total: 38 },
    ];
    const pts = healthPoints(series);
    expect(pts).toHaveLength(40);
    expect(pts[0]).toEqual({ envSteps: STEPS, policyAccuracy: 1, gailReward: 0.02, episodeReturn: null, demonstrationReturn: null });
    expect(pts[5].episodeReturn).toBe(650);
    expect(gailHealth(pts)?.sinceEnvSteps).toBe(STEPS);
    expect(healthPoints([])).toEqual([]);
  });
});
