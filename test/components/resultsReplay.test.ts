/**
 * Results cells open the replay of their best or worst seed: a stored
 * deterministic evaluation episode of that run, or one recorded on demand
 * when the run stored none (jsdom, App mounted on a fake backend).
 */
import { mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from '../../src/renderer/src/App.svelte';
import type { TrajectoryRow } from '../../src/shared/api';
import type { RunDetail } from '../../src/shared/runs';
import { settle } from './settle';
import { fakeBackend, makeRun, type FakeBackend } from './fakeBackend';

vi.hoisted(() => {
  // The router reads the hash when it loads.
  window.location.hash = '#/results';
});


const episode = (id: number, label: string, hasStates = true): TrajectoryRow => ({ id, idx: 0, label, length: 1000, return: 1, terminated: false, hasStates });

describe('results cells: replay of the best and worst seed', () => {
  let target: HTMLElement;
  let app: ReturnType<typeof mount> | undefined;
  let backend: FakeBackend;
  // Three GAIL seeds: run 11 is best, 12 worst; 12 stored no episode with states, so it is recorded.
  const runs = [
    makeRun(10, { finalMean: 2000 }),
    makeRun(11, { finalMean: 3000, seed: 1 }),
    makeRun(12, { finalMean: 1000, seed: 2 }),
    // An episode recorded earlier from run 10's final policy, and one with the same name from another folder.
    makeRun(20, { kind: 'eval', name: 'episode·run-10·final·det·s=0' }),
    makeRun(21, { kind: 'eval', name: 'episode·run-10·final·det·s=0' }),
  ];
  const configs: Record<number, unknown> = { 20: { policy: '/runs/10/policy.json' }, 21: { policy: '/elsewhere/10/policy.json' } };
  const episodes: Record<number, TrajectoryRow[]> = { 10: [], 20: [episode(200, 'deterministic')], 21: [episode(210, 'deterministic')], 11: [episode(110, 'stochastic'), episode(111, 'deterministic')], 12: [episode(120, 'deterministic', false)] };

  const button = (pick: string) => target.querySelector<HTMLButtonElement>(`[data-testid="cell-replay"] button[data-pick="${pick}"]`)!;

  beforeEach(async () => {
    window.location.hash = '#/results';
    backend = fakeBackend(runs, {
      resultsTable: async () => ({ rows: [{ env: 'Hopper-v5', method: 'gail', trajectories: 4, mean: 2000, std: 816, seeds: 3, normalized: 0.5, runIds: [10, 11, 12] }] }),
      getRun: async ({ id }) => ({ ...runs.find((r) => r.id === id)!, config: configs[id] ?? {}, summary: null, dir: `/runs/${id}`, tags: [], evaluations: [], checkpoints: [] }) as unknown as RunDetail,
      listTrajectories: async (q) => ('runId' in q ? (episodes[q.runId] ?? []) : []),
      recordEpisode: async ({ runId }) => ({ runId: 99, trajectoryId: 900 + runId }),
      getReplay: () => new Promise(() => {}),
    });
    target = document.body.appendChild(document.createElement('div'));
    app = mount(App, { target, props: { backend } });
    for (let i = 0; i < 50 && !button('best'); i++) await settle();
  });

  afterEach(() => {
    if (app) unmount(app);
    target.remove();
  });

  it('opens the best seed\'s stored deterministic episode', async () => {
    expect(button('best').getAttribute('aria-label')).toBe('Replay the best seed of GAIL, k = 4, Hopper-v5');
    button('best').click();
    await settle();
    expect(window.location.hash).toBe('#/replay?traj=111');
    expect(backend.calls.some((c) => c.method === 'recordEpisode')).toBe(false);
  });

  it('records an episode of the worst seed when it stored none, and opens best and worst side by side', async () => {
    button('both').click();
    await settle();
    expect(backend.calls.filter((c) => c.method === 'recordEpisode').map((c) => c.request)).toEqual([{ runId: 12, mode: 'deterministic', seed: 0 }]);
    expect(window.location.hash).toBe('#/replay?traj=111%2C912');
  });

  it('reuses an episode recorded earlier from the run\'s final policy instead of recording again', async () => {
    // Seeds 0 and 2 only: run 10 is then the best.
    backend.calls.length = 0;
    runs[1].finalMean = 500;
    button('best').click();
    await settle();
    runs[1].finalMean = 3000;
    expect(window.location.hash).toBe('#/replay?traj=200');
    expect(backend.calls.some((c) => c.method === 'recordEpisode')).toBe(false);
  });
});
