// Lint for the layer rules of ARCHITECTURE.md, checked rather than remembered:
// src/shared is pure TS (no Node, no DOM, no Electron); src/main/core never
// imports electron; the renderer reaches the backend only through the Api.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'url', 'crypto', 'http', 'util'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '**/*.svelte', 'scripts/**', 'kernels/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: [...nodeBuiltins, 'electron', 'better-sqlite3', '@mujoco/*', '@tensorflow/*', '**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/shared is pure TypeScript shared by every layer: no Node, Electron, native or backend imports.' }] },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require'],
    },
  },
  {
    files: ['src/main/core/**/*.ts', 'src/main/cli.ts', 'src/main/cli/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', 'electron/*', '**/renderer/**', '**/preload/**'], message: 'The core runs in plain Node (CLI, web host, tests): never import electron or the renderer here.' }] },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: [...nodeBuiltins, 'electron', '**/main/**', '**/preload/index'], message: 'The renderer talks to the backend only through the Api contract (src/shared/api.ts).' }] },
      ],
    },
  },
);
