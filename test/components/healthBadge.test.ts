import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import HealthBadge from '../../src/renderer/src/components/runs/HealthBadge.svelte';
import type { RunHealth } from '../../src/shared/runs';

describe('health badge', () => {
  let target: HTMLElement;
  afterEach(() => target?.remove());

  it('names each warning in words, with the message for hover and screen readers', () => {
    const cases: [RunHealth['code'], string][] = [
      ['discriminator-won', 'discriminator won'],
      ['stalled', 'stalled far below the data'],
    ];
    for (const [code, label] of cases) {
      target = document.body.appendChild(document.createElement('div'));
      const message = `message of ${code}`;
      const c = mount(HealthBadge, { target, props: { health: { code, message, sinceEnvSteps: 1 } } });
      flushSync();
      const badge = target.querySelector('[data-testid="health"]')!;
      expect(badge.textContent).toBe(`⚠ ${label}`);
      expect(badge.getAttribute('title')).toBe(message);
      expect(badge.getAttribute('aria-label')).toBe(`Warning: ${label}. ${message}`);
      unmount(c);
      target.remove();
    }
  });
});
