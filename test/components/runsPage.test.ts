import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import App from '../../src/renderer/src/App.svelte';
import { settle } from './settle';
import { fakeBackend, makeRun, type FakeBackend } from './fakeBackend';



describe('runs page', () => {
  let target: HTMLElement;
  let app: ReturnType<typeof mount> | undefined;
  let backend: FakeBackend;
  let tags: Map<number, string[]>;

  const ids = () => [...target.querySelectorAll<HTMLTableRowElement>('tr[data-run-id]')].map((tr) => Number(tr.dataset.runId));
  const header = (label: string) => [...target.querySelectorAll<HTMLButtonElement>('th button.sort')].find((b) => b.textContent?.trim().startsWith(label))!;
  const select = (testid: string, value: string) => {
    const s = target.querySelector<HTMLSelectElement>(`[data-testid="${testid}"]`)!;
    s.value = value;
    s.dispatchEvent(new Event('change'));
    flushSync();
  };

  beforeEach(async () => {
    window.location.hash = '#/runs';
    const runs = [
      makeRun(1, { name: 'expert·Hopper', kind: 'expert', method: 'trpo', trajectories: null, finalMean: 3500, env: 'Hopper-v5' }),
      makeRun(2, { name: 'bc·Hopper·k=4·s=0', kind: 'bc', method: 'bc', finalMean: 800, target: { unit: 'iterations', value: 1000 } }),
      makeRun(3, { name: 'gail·Hopper·k=4·s=0', finalMean: 3100, health: { code: 'discriminator-won', message: 'Expert and policy accuracy near 1 for 20 iterations.', sinceEnvSteps: 5000 } }),
      makeRun(4, { name: 'gail·Humanoid·k=4·s=1', env: 'Humanoid-v5', status: 'running', finalMean: null, finishedAt: null, envSteps: 2500, stepsPerSec: null }),
    ].reverse();
    tags = new Map();
    backend = fakeBackend(runs, {
      cancelRun: async () => ({ ok: true }),
      setRunTags: async (r) => {
        const next = new Set(tags.get(r.id) ?? []);
        (r.add ?? []).forEach((t) => next.add(t));
        (r.remove ?? []).forEach((t) => next.delete(t));
        tags.set(r.id, [...next]);
        return { tags: [...next] };
      },
    });
    target = document.body.appendChild(document.createElement('div'));
    app = mount(App, { target, props: { backend } });
    await settle();
  });
  afterEach(() => {
    if (app) unmount(app);
    target.remove();
  });

  it('lists runs newest first with their status text and health warning', () => {
    expect(ids()).toEqual([4, 3, 2, 1]);
    const row = target.querySelector('tr[data-run-id="4"]')!;
    expect(row.querySelector('[data-testid="status"]')!.textContent).toBe('running');
    expect(row.querySelector('[role="progressbar"]')!.getAttribute('aria-valuenow')).toBe('25');
    const badge = target.querySelector('tr[data-run-id="3"] [data-testid="health"]')!;
    expect(badge.getAttribute('title')).toContain('Expert and policy accuracy near 1');
    expect(target.querySelector('tr[data-run-id="2"] [data-testid="health"]')).toBeNull();
  });

  it('sorts by a column, both ways, with empty values last', () => {
    header('Final').click();
    flushSync();
    expect(ids()).toEqual([1, 3, 2, 4]);
    expect(header('Final').closest('th')!.getAttribute('aria-sort')).toBe('descending');
    header('Final').click();
    flushSync();
    expect(ids()).toEqual([2, 3, 1, 4]);
    header('Name').click();
    flushSync();
    expect(ids()).toEqual([2, 1, 3, 4]);
  });

  it('filters by env, method and status, and by text', () => {
    select('filter-env', 'Humanoid-v5');
    expect(ids()).toEqual([4]);
    select('filter-env', '');
    select('filter-method', 'gail');
    expect(ids()).toEqual([4, 3]);
    select('filter-status', 'succeeded');
    expect(ids()).toEqual([3]);
    expect(target.querySelector('[data-testid="runs-count"]')!.textContent).toBe('1 of 4 runs');
    select('filter-method', '');
    select('filter-status', '');
    const search = target.querySelector<HTMLInputElement>('[data-testid="runs-search"]')!;
    search.value = 'bc hopper';
    search.dispatchEvent(new Event('input'));
    flushSync();
    expect(ids()).toEqual([2]);
  });

  it('focuses the search with /', () => {
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '/' }));
    flushSync();
    expect(document.activeElement).toBe(target.querySelector('[data-testid="runs-search"]'));
  });

  it('selects runs (shift extends), links them to compare, and cancels the cancellable one', async () => {
    const box = (id: number) => target.querySelector<HTMLInputElement>(`tr[data-run-id="${id}"] input[type=checkbox]`)!;
    box(4).click();
    flushSync();
    box(2).dispatchEvent(new MouseEvent('click', { shiftKey: true, bubbles: true, cancelable: true }));
    flushSync();
    expect([4, 3, 2, 1].map((id) => box(id).checked)).toEqual([true, true, true, false]);
    expect(target.textContent).toContain('3 selected');
    const compare = target.querySelector<HTMLAnchorElement>('[data-testid="compare-selected"]')!;
    expect(compare.getAttribute('href')).toBe('#/compare?ids=4%2C3%2C2');
    const cancel = [...target.querySelectorAll('button')].find((b) => b.textContent?.startsWith('Cancel ('))!;
    expect(cancel.textContent).toBe('Cancel (1)');
    cancel.click();
    await settle();
    expect(backend.calls.filter((c) => c.method === 'cancelRun').map((c) => c.request)).toEqual([{ id: 4 }]);
    box(3).click();
    flushSync();
    expect(target.textContent).toContain('2 selected');
  });

  it('asks before deleting, and drops rows live on runDeleted and updates them on runChanged', async () => {
    target.querySelector<HTMLInputElement>('tr[data-run-id="1"] input[type=checkbox]')!.click();
    flushSync();
    [...target.querySelectorAll('button')].find((b) => b.textContent === 'Delete…')!.click();
    flushSync();
    const dialog = target.querySelector('[role="alertdialog"]')!;
    expect(dialog.textContent).toContain('Delete 1 run?');
    [...dialog.querySelectorAll('button')].find((b) => b.textContent === 'Keep')!.click();
    flushSync();
    expect(target.querySelector('[role="alertdialog"]')).toBeNull();
    expect(backend.calls.some((c) => c.method === 'deleteRun')).toBe(false);

    backend.emit('runDeleted', { id: 1 });
    backend.emit('runChanged', makeRun(4, { env: 'Humanoid-v5', status: 'succeeded', finalMean: 5000 }));
    backend.emit('runChanged', makeRun(5, { status: 'queued', startedAt: null, finishedAt: null }));
    flushSync();
    expect(ids()).toEqual([5, 4, 3, 2]);
    expect(target.querySelector('tr[data-run-id="4"] [data-testid="status"]')!.textContent).toBe('succeeded');
    expect(backend.calls.filter((c) => c.method === 'listRuns')).toHaveLength(1);
  });

  it('tags the selected runs at once, filters by the tag, and removes it again', async () => {
    const box = (id: number) => target.querySelector<HTMLInputElement>(`tr[data-run-id="${id}"] input[type=checkbox]`)!;
    box(3).click();
    flushSync();
    box(2).click();
    flushSync();
    const input = target.querySelector<HTMLInputElement>('[data-testid="bulk-tag"]')!;
    input.value = 'paper-fig1';
    input.dispatchEvent(new Event('input'));
    flushSync();
    target.querySelector<HTMLButtonElement>('[data-testid="bulk-tag-add"]')!.click();
    await settle();
    expect(backend.calls.filter((c) => c.method === 'setRunTags').map((c) => c.request)).toEqual([
      { id: 3, add: ['paper-fig1'], remove: [] },
      { id: 2, add: ['paper-fig1'], remove: [] },
    ]);
    select('filter-tag', 'paper-fig1');
    expect(ids()).toEqual([3, 2]);
    const removeTag = target.querySelector<HTMLButtonElement>('[data-testid="bulk-tag-remove"]')!;
    expect(removeTag.textContent).toBe('Remove tag (2)');
    removeTag.click();
    await settle();
    expect(tags.get(2)).toEqual([]);
    expect(tags.get(3)).toEqual([]);
  });
});

describe('runs page before its first list arrives', () => {
  it('shows a run that an event brought without also saying the runs are loading', async () => {
    window.location.hash = '#/runs';
    const backend = fakeBackend([], { listRuns: () => new Promise(() => {}) });
    const target = document.body.appendChild(document.createElement('div'));
    const app = mount(App, { target, props: { backend } });
    try {
      await settle();
      expect(target.textContent).toContain('Loading runs…');
      backend.emit('runChanged', makeRun(7, { status: 'running', finishedAt: null }));
      await settle();
      expect(target.querySelector('tr[data-run-id="7"]')).not.toBeNull();
      expect(target.textContent).not.toContain('Loading runs…');
    } finally {
      unmount(app);
      target.remove();
    }
  });
});
