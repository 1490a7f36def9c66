/** Typed text to config values and back, for the generated forms' list fields. */
import { describe, expect, it } from 'vitest';
import { formatValue, parseListText } from '../../src/renderer/src/components/form/schemaFields';

describe('list fields', () => {
  it('read "[]" as an empty list, distinct from an empty box (the default)', () => {
    expect(parseListText('')).toBeUndefined();
    expect(parseListText(' [ ] ')).toEqual([]);
    expect(parseListText('64, 64')).toEqual([64, 64]);
    expect(parseListText('4 x')).toEqual([4, 'x']);
  });

  it('show an empty list as "[]", so a linear policy\'s hiddenSizes survive a round trip', () => {
    expect(formatValue([])).toBe('[]');
    expect(parseListText(formatValue([]))).toEqual([]);
    expect(formatValue([100, 100])).toBe('100, 100');
  });
});
