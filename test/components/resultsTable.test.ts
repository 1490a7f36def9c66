/**
 * The results table gives each configuration of a method its own column,
 * headed by the settings that differ, and never merges their cells.
 */
import { mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ResultsTable from '../../src/renderer/src/components/results/ResultsTable.svelte';
import type { ResultsRow } from '../../src/shared/results';

const row = (method: string, k: number | null, mean: number, extra: Partial<ResultsRow> = {}): ResultsRow => ({
  env: 'Hopper-v5', method, trajectories: k, mean, std: 1, seeds: 2, normalized: null, runIds: [1, 2], ...extra,
});

describe('results table', () => {
  let target: HTMLElement;
  afterEach(() => target?.remove());

  it('shows a column per configuration with its variant, and the expert row over its trajectories', () => {
    target = document.body.appendChild(document.createElement('div'));
    const rows = [
      row('expert', null, 3102.6, { std: 401.5, seeds: 25 }),
      row('random', null, 15, { seeds: 1 }),
      row('bc', 4, 200, { variant: 'loss "mse"' }),
      row('bc', 4, 1000, { variant: 'loss "nll"' }),
      row('bc', 25, 2000, { variant: 'loss "nll"' }),
      row('gail', 4, 3000),
    ];
    const c = mount(ResultsTable, { target, props: { rows } });
    const heads = [...target.querySelectorAll('th.method')].map((h) => [h.firstChild!.textContent!.trim(), h.querySelector('.variant')?.textContent ?? null]);
    expect(heads).toEqual([['BC', 'loss "mse"'], ['BC', 'loss "nll"'], ['GAIL', null]]);
    const k4 = [...target.querySelectorAll('tr[data-k="4"] td[data-method]')].map((td) => [td.getAttribute('data-variant'), td.textContent!.trim()]);
    expect(k4).toEqual([['loss "mse"', '200.0 ± 1.0'], ['loss "nll"', '1,000.0 ± 1.0'], [null, '3,000.0 ± 1.0']]);
    const k25 = target.querySelector('tr[data-k="25"]')!;
    expect(k25.querySelector('td[data-variant="loss \\"nll\\""]')!.textContent!.trim()).toBe('2,000.0 ± 1.0');
    expect(k25.querySelectorAll('td.muted')).toHaveLength(2);
    expect(target.querySelector('tr[data-method="expert"]')!.textContent).toMatch(/3,102\.6 ± 401\.5\s*\(over the 25 trajectories of the expert data\)/);
    unmount(c);
  });

  it("shows next to each final return the runs' last-evaluations mean, and how many runs the health check flagged", () => {
    target = document.body.appendChild(document.createElement('div'));
    const rows = [
      row('gail', 4, 2620, { seeds: 3, lastEvalsMean: 3182.4, lastEvalsStd: 20.5, flagged: 1 }),
      row('gail', 25, 3199, { seeds: 3, lastEvalsMean: null, lastEvalsStd: null, flagged: 0 }),
    ];
    const c = mount(ResultsTable, { target, props: { rows } });
    expect([...target.querySelectorAll('thead th')].map((h) => h.textContent!.trim())).toContain('last 5');
    const k4 = target.querySelector('tr[data-k="4"]')!;
    const late = k4.querySelector('td[data-last]')!;
    expect(late.textContent!.trim()).toBe('3,182.4');
    expect(late.getAttribute('title')).toBe('3,182.4 ± 20.5 over seeds');
    const flag = k4.querySelector('[data-testid="flagged"]')!;
    expect(flag.textContent).toBe('⚠ 1');
    expect(flag.getAttribute('title')).toMatch(/^1 of 3 runs flagged by the health check/);
    const k25 = target.querySelector('tr[data-k="25"]')!;
    expect(k25.querySelector('td[data-last]')!.textContent!.trim()).toBe('—');
    expect(k25.querySelector('[data-testid="flagged"]')).toBeNull();
    unmount(c);
  });
});
