/**
 * The runs table's recycled row slots: after scrolling far and back, each row
 * element shows the run of its position (id, name, link, status, cells), and a
 * live change to a run that was out of view shows once it scrolls in.
 */
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import App from '../../src/renderer/src/App.svelte';
import { settle } from './settle';
import { fakeBackend, makeRun, type FakeBackend } from './fakeBackend';

const RUNS = 600;
const ROW = 33;


describe('runs table slots', () => {
  let target: HTMLElement;
  let app: ReturnType<typeof mount> | undefined;
  let backend: FakeBackend;

  const scroller = () => target.querySelector<HTMLElement>('[data-testid="runs-scroller"]')!;
  const scrollTo = (row: number) => {
    scroller().scrollTop = row * ROW;
    scroller().dispatchEvent(new Event('scroll'));
    flushSync();
  };
  /** What each row element shows, in position order (the slots' DOM order is not row order). */
  const shown = () => {
    const seed = [...target.querySelectorAll('thead th')].findIndex((th) => th.textContent?.trim() === 'Seed') + 1;
    return [...target.querySelectorAll<HTMLElement>('tr[data-run-id]')]
      .map((tr) => ({
        position: Number(tr.getAttribute('aria-rowindex')) - 2,
        id: Number(tr.dataset.runId),
        name: tr.querySelector('td.name a')!.textContent,
        href: tr.querySelector('td.name a')!.getAttribute('href'),
        status: tr.querySelector('[data-testid="status"]')!.textContent,
        seed: tr.querySelector(`td:nth-child(${seed})`)!.textContent,
        top: tr.style.transform,
      }))
      .sort((a, b) => a.position - b.position);
  };
  // Newest first: position p shows run RUNS - p.
  const expected = (position: number, status = 'succeeded') => {
    const id = RUNS - position;
    return { position, id, name: `run-${id}`, href: `#/runs/${id}`, status, seed: String(id % 7), top: `translateY(${position * ROW}px)` };
  };

  beforeEach(async () => {
    window.location.hash = '#/runs';
    const runs = Array.from({ length: RUNS }, (_, i) => makeRun(RUNS - i, { seed: (RUNS - i) % 7 }));
    backend = fakeBackend(runs, {});
    target = document.body.appendChild(document.createElement('div'));
    app = mount(App, { target, props: { backend } });
    await settle();
  });
  afterEach(() => {
    if (app) unmount(app);
    target.remove();
  });

  it('shows the run of each position after scrolling far down, ten rows at a time, and back', () => {
    const first = shown();
    expect(first[0]).toEqual(expected(0));
    const pool = first.length;
    for (let row = 10; row <= 400; row += 10) scrollTo(row);
    const far = shown();
    expect(far).toHaveLength(pool);
    expect(far.map((r) => r.position)).toEqual(Array.from({ length: pool }, (_, i) => far[0].position + i));
    expect(far.find((r) => r.position === 400)).toBeDefined();
    for (const r of far) expect(r).toEqual(expected(r.position));
    scrollTo(3);
    for (const r of shown()) expect(r).toEqual(expected(r.position));
  });

  it('shows a live status change of a run out of view when it scrolls in', () => {
    scrollTo(300);
    const offscreen = RUNS - 5;
    expect(target.querySelector(`tr[data-run-id="${offscreen}"]`)).toBeNull();
    backend.emit('runChanged', makeRun(offscreen, { seed: offscreen % 7, status: 'failed' }));
    flushSync();
    scrollTo(0);
    const rows = shown();
    expect(rows.find((r) => r.id === offscreen)).toEqual(expected(5, 'failed'));
    for (const r of rows.filter((r) => r.id !== offscreen)) expect(r).toEqual(expected(r.position));
  });
});
