import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      // zod is bundled: imported from its ~120 files it costs every run process ~40 ms of CPU at start.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        // jobProcess: a run as a Slurm batch job, run by Node (or Electron as Node) on a cluster node.
        input: { index: resolve('src/main/index.ts'), runProcess: resolve('src/main/core/runs/runProcess.ts'), jobProcess: resolve('src/main/core/runs/jobProcess.ts') },
        // Optional native backend: loaded at run time when it is installed.
        external: ['@tensorflow/tfjs-node'],
      },
    },
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve('src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    plugins: [svelte({ configFile: resolve('svelte.config.js') })],
  },
});
