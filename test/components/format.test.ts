import { describe, expect, it } from 'vitest';
import { fmtEta, fmtMeanStd, fmtShortDate } from '../../src/renderer/src/lib/format';

describe('fmtEta (time left in the runs table)', () => {
  it('counts seconds below a minute, then whole minutes, then hours and minutes, then days and hours', () => {
    expect(fmtEta(0)).toBe('0 s');
    expect(fmtEta(44_600)).toBe('45 s');
    expect(fmtEta(59_400)).toBe('59 s');
    expect(fmtEta(59_600)).toBe('1 min');
    expect(fmtEta(12 * 60_000 + 29_000)).toBe('12 min');
    expect(fmtEta(12 * 60_000 + 31_000)).toBe('13 min');
    expect(fmtEta(59 * 60_000 + 40_000)).toBe('1 h 00 min');
    expect(fmtEta((13 * 60 + 53) * 60_000 + 10_000)).toBe('13 h 53 min');
    expect(fmtEta((50 * 60 + 5) * 60_000)).toBe('2 d 02 h');
  });

  it('shows a dash for what is not a time', () => {
    for (const x of [null, undefined, Number.NaN, Infinity, -1]) expect(fmtEta(x)).toBe('–');
  });
});

describe('fmtShortDate (the runs table\'s Started column)', () => {
  const now = new Date(2026, 11, 2, 15, 30).getTime();

  it('gives the time alone today, month and day this year, the date alone before', () => {
    expect(fmtShortDate(new Date(2026, 11, 2, 9, 5).getTime(), now)).toBe('09:05');
    expect(fmtShortDate(new Date(2026, 11, 1, 23, 59).getTime(), now)).toBe('Dec 1 23:59');
    expect(fmtShortDate(new Date(2026, 0, 2, 15, 30).getTime(), now)).toBe('Jan 2 15:30');
    expect(fmtShortDate(new Date(2025, 11, 2, 15, 30).getTime(), now)).toBe('2025-12-02');
    expect(fmtShortDate(null, now)).toBe('–');
  });
});

describe('fmtMeanStd (mean ± std at the mean\'s precision)', () => {
  it('gives both one decimal below 10,000 and both whole numbers from there up', () => {
    expect(fmtMeanStd(3102.62, 401.54)).toBe('3,102.6 ± 401.5');
    expect(fmtMeanStd(164514.27, 58.28)).toBe('164,514 ± 58');
    expect(fmtMeanStd(33324.04, 2066.85)).toBe('33,324 ± 2,067');
    expect(fmtMeanStd(-12.25, 0)).toBe('-12.3 ± 0.0');
  });

  it('shows the mean alone without a spread, and a dash without a mean', () => {
    expect(fmtMeanStd(3102.6, null)).toBe('3,102.6');
    expect(fmtMeanStd(null, 1)).toBe('–');
  });
});
