/**
 * The renderer's layer rule bites in components: ESLint (with the project's
 * config) refuses a .svelte file that imports node:fs, calls fetch or keeps
 * data in localStorage, and accepts the real pages.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

describe('lint of .svelte components', () => {
  it('refuses a component that reaches past the Api, and passes the pages', async () => {
    const eslint = new ESLint({ ignore: false });
    const [bad, page] = await eslint.lintFiles(['test/fixtures/lint/ReachesPastTheApi.svelte', 'src/renderer/src/pages/RunsPage.svelte']);
    const found = bad.messages.map((m) => `${m.line}:${m.ruleId}`);
    expect(found).toEqual(['3:no-restricted-imports', '7:no-restricted-globals', '8:no-restricted-globals']);
    expect(bad.messages[1].message).toContain("'fetch'");
    expect(bad.messages[2].message).toContain("'localStorage'");
    expect(page.messages).toEqual([]);
  }, 120_000);
});
