// Lint for the layer rules of docs/architecture.md, checked rather than remembered:
// src/shared is pure TS (no Node, no DOM, no Electron); src/main/core never
// imports electron, and its folders import only the layers below them
// (lint/coreLayers.js); the renderer reaches the backend only through the Api.
import svelte from 'eslint-plugin-svelte';
import svelteParser from 'svelte-eslint-parser';
import tseslint from 'typescript-eslint';
import { coreLayersPlugin } from './lint/coreLayers.js';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'url', 'crypto', 'http', 'util'];

const backendMessage = 'Renderer code reaches the backend only through the Api client (getAppState().api), never with fetch, IPC or the browser storage.';
const rendererBackendRules = {
  'no-restricted-globals': ['error', ...['fetch', 'XMLHttpRequest', 'localStorage', 'sessionStorage', 'indexedDB'].map((name) => ({ name, message: backendMessage }))],
  'no-restricted-properties': [
    'error',
    ...['window', 'globalThis', 'self'].flatMap((object) => ['fetch', 'localStorage', 'sessionStorage', 'indexedDB', 'ipcRenderer'].map((property) => ({ object, property, message: backendMessage }))),
  ],
  'no-restricted-syntax': ['error', { selector: "Identifier[name='ipcRenderer']", message: backendMessage }],
};

export default tseslint.config(
  // test/fixtures/lint holds code that breaks the rules on purpose (test/unit/svelteLint.test.ts lints it with ignores off).
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'scripts/**', 'kernels/**', 'test/fixtures/lint/**'] },
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
    files: ['src/main/core/**/*.ts'],
    plugins: { imlab: coreLayersPlugin },
    rules: { 'imlab/core-layers': 'error' },
  },
  {
    // Components are linted too: TypeScript in <script lang="ts">, the same layer rules as the renderer's .ts files.
    files: ['**/*.svelte'],
    plugins: { svelte },
    processor: 'svelte/svelte',
    languageOptions: { parser: svelteParser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.svelte', 'test/fixtures/lint/**/*.svelte'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: [...nodeBuiltins, 'electron', '**/main/**', '**/preload/index'], message: 'The renderer talks to the backend only through the Api contract (src/shared/api.ts).' }] },
      ],
      ...rendererBackendRules,
    },
  },
  {
    // The two places allowed to: the Api client (HTTP + SSE to the web shell) and the theme (a UI preference, not backend data).
    files: ['src/renderer/src/apiClient.ts', 'src/renderer/src/state/theme.svelte.ts'],
    rules: { 'no-restricted-globals': 'off', 'no-restricted-properties': 'off', 'no-restricted-syntax': 'off' },
  },
);
