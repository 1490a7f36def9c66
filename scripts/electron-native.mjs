#!/usr/bin/env node
/**
 * Builds better-sqlite3 for Electron's ABI into out/native/, leaving the copy
 * in node_modules built for Node (the CLI, tests and run processes from source
 * use that one). The Electron shell loads this build through better-sqlite3's
 * nativeBinding option. Runs before `npm start`; needs network once (Electron
 * headers or a prebuilt binary). Packaged apps get theirs from electron-builder.
 *
 * A build only counts when its module version is Electron's: npm hands its
 * `nodedir` setting to scripts (Debian's npm sets it to /usr), node-gyp prefers
 * it to --target and would quietly compile against Node's own headers, a binary
 * Electron refuses to load. So the builders run without that setting, and
 * whatever they produce is checked before this reports success.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
// Electron's package records the NODE_MODULE_VERSION its binary loads (the same number node-abi lists for it).
const electronAbi = Number(readFileSync(join(electronDir, 'abi_version'), 'utf8').trim());
const target = join(root, 'out', 'native', `electron-${electronVersion}`);
const binding = join(target, 'build', 'Release', 'better_sqlite3.node');
const shown = relative(root, binding);

/**
 * The NODE_MODULE_VERSION a native addon was compiled for, or null if it names none.
 * Node's NODE_MODULE_INIT exports `node_register_module_v<version>`, and Node and
 * Electron look up exactly that symbol when loading, so its name decides loadability.
 */
function moduleVersion(file) {
  const versions = new Set([...readFileSync(file).toString('latin1').matchAll(/node_register_module_v(\d+)/g)].map((m) => Number(m[1])));
  return versions.size === 1 ? [...versions][0] : null;
}

const describe = (version) => (version === null ? 'no recognisable NODE_MODULE_VERSION' : `NODE_MODULE_VERSION ${version}`);

if (existsSync(binding)) {
  const found = moduleVersion(binding);
  if (found === electronAbi) process.exit(0);
  console.log(`${shown} has ${describe(found)}, Electron ${electronVersion} needs ${electronAbi}: building it again.`);
}

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
const source = join(root, 'node_modules', 'better-sqlite3');
for (const part of ['package.json', 'binding.gyp', 'src', 'deps', 'lib']) cpSync(join(source, part), join(target, part), { recursive: true });
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.toLowerCase() !== 'npm_config_nodedir'));
const build = (tool, args) => {
  try {
    execFileSync(join(root, 'node_modules', '.bin', tool), args, { cwd: target, stdio: 'inherit', env });
    return true;
  } catch {
    return false;
  }
};
console.log(`Building better-sqlite3 for Electron ${electronVersion} (NODE_MODULE_VERSION ${electronAbi})…`);
build('prebuild-install', ['--runtime', 'electron', '--target', electronVersion]) ||
  build('node-gyp', ['rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers']);

const built = existsSync(binding) ? moduleVersion(binding) : undefined;
if (built !== electronAbi) {
  rmSync(binding, { force: true });
  console.error(
    [
      '',
      built === undefined
        ? `Could not build better-sqlite3 for Electron ${electronVersion} (the errors are above).`
        : `The better-sqlite3 just built has ${describe(built)}, but Electron ${electronVersion} loads only ${electronAbi}; it was removed.`,
      'The desktop app needs it to open its database. Building it needs internet once (a prebuilt binary from GitHub, or Electron\'s headers from electronjs.org).',
      'The same app works in the browser without it:  npm run imlab -- serve --open',
    ].join('\n'),
  );
  process.exit(1);
}
console.log(`better-sqlite3 for Electron ${electronVersion} (NODE_MODULE_VERSION ${electronAbi}): ${binding}`);
