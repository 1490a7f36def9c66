import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import HelpOverlay from '../../src/renderer/src/components/HelpOverlay.svelte';
import { shortcuts } from '../../src/renderer/src/lib/shortcuts.svelte';

describe('help overlay', () => {
  let target: HTMLElement;
  afterEach(() => target?.remove());

  it('lists the shortcuts a page registers, grouped by scope, and drops them when the page leaves', () => {
    target = document.body.appendChild(document.createElement('div'));
    const remove = shortcuts.register([{ keys: 'Space', description: 'Play or pause', scope: 'Replay' }]);
    let closed = 0;
    const c = mount(HelpOverlay, { target, props: { onclose: () => closed++ } });
    const text = () => target.textContent ?? '';
    expect(text()).toContain('Replay');
    expect(text()).toContain('Play or pause');
    expect(text()).toContain('Show or hide this help');
    remove();
    flushSync();
    expect(text()).not.toContain('Play or pause');
    target.querySelector<HTMLButtonElement>('button')!.click();
    expect(closed).toBe(1);
    unmount(c);
  });
});
