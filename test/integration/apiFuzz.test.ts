/**
 * The API under random valid and invalid requests and injected faults, over
 * HTTP against `imlab serve` on a temporary folder (see test/helpers/apiFuzz.ts
 * for the invariants). Fixed seed and a short time budget here; the long run
 * is `npm run bench:fuzz`.
 */
import { describe, expect, it } from 'vitest';
import { fuzzApi } from '../helpers/apiFuzz';

describe('API fuzzing', () => {
  it('never answers 5xx, always names the field, keeps the server up and loses no data', async () => {
    const report = await fuzzApi({ seed: 20261201, timeLimitMs: 20_000, killEvery: 150 });
    expect(report.failure).toBeNull();
    expect(report.cases).toBeGreaterThan(20);
    expect(Object.keys(report.statuses).every((s) => Number(s) < 500)).toBe(true);
    expect(report.faultsTotal).toBeGreaterThan(5);
    expect(report.dataLost).toEqual({ runs: 0, metricRows: 0, datasets: 0 });
    expect(report.integrity).toBe('ok');
    // Valid requests really got through (how many depends on the machine's speed within the budget; the benchmark covers every method).
    const accepted = Object.values(report.methods).filter((m) => m.accepted > 0).length;
    expect(accepted).toBeGreaterThanOrEqual(5);
  }, 300_000);
});
