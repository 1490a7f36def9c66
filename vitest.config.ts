import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const shared = { globalSetup: ['test/globalSetup.ts'], testTimeout: 60_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    // Learning and physics tests are CPU-bound; two workers match the two cores we plan for.
    maxWorkers: 2,
    projects: [
      { test: { ...shared, name: 'node', include: ['test/{unit,integration,e2e}/**/*.test.ts'], environment: 'node' } },
      {
        // Svelte components mounted in jsdom, resolved to Svelte's browser build.
        plugins: [svelte({ configFile: './svelte.config.js' })],
        resolve: { conditions: ['browser'] },
        test: { ...shared, name: 'components', include: ['test/components/**/*.test.ts'], environment: 'jsdom', setupFiles: ['test/components/jsdomShims.ts'] },
      },
    ],
  },
});
