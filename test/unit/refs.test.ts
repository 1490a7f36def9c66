/** Config references (src/shared/refs.ts): what parses, what is malformed, and rewriting them in a config. */
import { describe, expect, it } from 'vitest';
import { configRefs, formatRef, isMalformedRef, parseRef, replaceRefs } from '../../src/shared/refs';

describe('parseRef', () => {
  it('reads run:<id>, run:#<index> and dataset:<id>, and round-trips through formatRef', () => {
    expect(parseRef('run:12')).toEqual({ kind: 'run', id: 12 });
    expect(parseRef('run:#3')).toEqual({ kind: 'batchRun', index: 3 });
    expect(parseRef('dataset:7')).toEqual({ kind: 'dataset', id: 7 });
    for (const s of ['run:12', 'run:#3', 'dataset:7']) expect(formatRef(parseRef(s)!)).toBe(s);
  });

  it('takes paths and anything else as no reference; malformed ones are told apart from paths', () => {
    for (const v of ['runs/12', './run:12', 'run:12 ', 'run:', 'run:x', 'dataset:#1', 'dataset:-1', 12, null, undefined]) expect(parseRef(v)).toBeNull();
    expect(['run:', 'run:x', 'dataset:#1', 'dataset:1.5'].map(isMalformedRef)).toEqual([true, true, true, true]);
    expect(['runs/12', '/data/expert.json', 'run:4', 'dataset:2'].map(isMalformedRef)).toEqual([false, false, false, false]);
  });
});

describe('configRefs and replaceRefs', () => {
  const config = { kind: 'gail', env: 'Hopper-v5', dataset: 'run:#1', policy: 'run:4', name: 'run:#x', list: ['run:#0', 3, { deep: 'run:#1' }] };

  it('lists only the policy and dataset references', () => {
    expect(configRefs(config)).toEqual([
      { field: 'policy', ref: { kind: 'run', id: 4 } },
      { field: 'dataset', ref: { kind: 'batchRun', index: 1 } },
    ]);
    expect(configRefs({ policy: 'policies/best' })).toEqual([]);
    expect(configRefs(null)).toEqual([]);
  });

  it('replaces what the function maps wherever it stands, keeps the rest in order, and returns the same object when nothing changes', () => {
    const ids = [10, 11];
    const out = replaceRefs(config, (ref) => (ref.kind === 'batchRun' ? formatRef({ kind: 'run', id: ids[ref.index] }) : undefined));
    expect(out).toEqual({ ...config, dataset: 'run:11', list: ['run:10', 3, { deep: 'run:11' }] });
    expect(Object.keys(out)).toEqual(Object.keys(config));
    expect(config.dataset).toBe('run:#1');
    expect(replaceRefs(config, () => undefined)).toBe(config);
  });
});
