#!/usr/bin/env node
/**
 * Builds better-sqlite3 for Electron's ABI into out/native/, leaving the copy
 * in node_modules built for Node (the CLI, tests and run processes from source
 * use that one). The Electron shell loads this build through better-sqlite3's
 * nativeBinding option. Runs before `npm start`; needs network once (Electron
 * headers or a prebuilt binary). Packaged apps get theirs from electron-builder.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const target = join(root, 'out', 'native', `electron-${electronVersion}`);
const binding = join(target, 'build', 'Release', 'better_sqlite3.node');
if (existsSync(binding)) process.exit(0);

mkdirSync(target, { recursive: true });
const source = join(root, 'node_modules', 'better-sqlite3');
for (const part of ['package.json', 'binding.gyp', 'src', 'deps', 'lib']) cpSync(join(source, part), join(target, part), { recursive: true });
const bin = (name) => join(root, 'node_modules', '.bin', name);
const common = { cwd: target, stdio: 'inherit' };
try {
  execFileSync(bin('prebuild-install'), ['--runtime', 'electron', '--target', electronVersion], common);
} catch {
  execFileSync(bin('node-gyp'), ['rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], common);
}
if (!existsSync(binding)) {
  console.error(`Could not build better-sqlite3 for Electron ${electronVersion}; the app needs it to open its database.`);
  process.exit(1);
}
console.log(`better-sqlite3 for Electron ${electronVersion}: ${binding}`);
