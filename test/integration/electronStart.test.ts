/**
 * `npm start` on a machine where Electron's binary was never downloaded, without
 * network and without a real binary: a local mirror on 127.0.0.1 serves a stand-in
 * Electron (a shell script that records how it was started) with its SHASUMS256.txt,
 * the way @electron/get expects from ELECTRON_MIRROR with remote checksums. Each test
 * runs in a throw-away copy of the project whose electron and electron-vite packages
 * are copied (the download writes into electron's package folder, and electron-vite
 * finds electron next to itself); every other package is a link to the real one,
 * which stays as it is.
 *
 * Also the ABI check of the better-sqlite3 build for Electron, with build tools
 * replaced by stand-ins that reproduce what happened offline.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';

const repo = process.cwd();
const realModules = join(repo, 'node_modules');
const electronPkg = JSON.parse(readFileSync(join(realModules, 'electron', 'package.json'), 'utf8')) as { version: string };
const version = electronPkg.version;
const electronAbi = Number(readFileSync(join(realModules, 'electron', 'abi_version'), 'utf8'));
const zipName = `electron-v${version}-${process.platform}-${process.arch}.zip`;
const nodeBuild = join(realModules, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

/** A zip archive with stored (uncompressed) entries that keep their Unix modes, as Electron's release zips do. */
function zip(entries: { name: string; data: Buffer; mode: number }[]): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name, data, mode } of entries) {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(10, 4);
    header.writeUInt16LE(0x21, 12); // 1980-01-01
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE((3 << 8) | 20, 4); // made on Unix, so the external attributes carry the mode
    entry.writeUInt16LE(10, 6);
    entry.writeUInt16LE(0x21, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38);
    entry.writeUInt32LE(offset, 42);
    local.push(header, nameBytes, data);
    central.push(entry, nameBytes);
    offset += header.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, directory, end]);
}

/** The stand-in Electron: writes its working folder and arguments, one a line, to $IMLAB_STANDIN_LOG. */
const standInZip = zip([
  { name: 'electron', data: Buffer.from('#!/bin/sh\n{ pwd; for a in "$@"; do echo "$a"; done; } > "$IMLAB_STANDIN_LOG"\n'), mode: 0o755 },
  { name: 'version', data: Buffer.from(version), mode: 0o644 },
]);

interface Mirror {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** Serves the stand-in zip and its checksum file the way Electron's GitHub releases lay them out. */
async function startMirror(checksum = createHash('sha256').update(standInZip).digest('hex')): Promise<Mirror> {
  const requests: string[] = [];
  const files = new Map<string, Buffer>([
    [`/v${version}/${zipName}`, standInZip],
    [`/v${version}/SHASUMS256.txt`, Buffer.from(`${checksum} *${zipName}\n`)],
  ]);
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-length': body?.length ?? 0 });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= new Promise((done) => server.close(() => done())));
  return { url: `http://127.0.0.1:${port}/`, requests, close };
}

/** A port nothing listens on: opened, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Project {
  dir: string;
  cache: string;
  log: string;
  electronDir: string;
}

/** A copy of the project to run `npm start` in; its better-sqlite3 for Electron is `native` when given. */
function makeProject(native?: Buffer): Project {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'imlab-electron-start-')));
  // rm removes the links to the real packages, never what they point to.
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  cpSync(join(repo, 'package.json'), join(dir, 'package.json'));
  mkdirSync(join(dir, 'scripts'));
  for (const script of ['electron-binary.mjs', 'electron-native.mjs']) cpSync(join(repo, 'scripts', script), join(dir, 'scripts', script));
  cpSync(join(repo, 'out', 'main'), join(dir, 'out', 'main'), { recursive: true });
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '.bin'), { recursive: true });
  for (const name of readdirSync(realModules)) {
    if (name === '.bin' || name === 'electron' || name === 'electron-vite') continue;
    symlinkSync(join(realModules, name), join(modules, name));
  }
  const electronDir = join(modules, 'electron');
  const downloaded = ['dist', 'path.txt'].map((name) => join(realModules, 'electron', name));
  cpSync(join(realModules, 'electron'), electronDir, { recursive: true, filter: (src) => !downloaded.includes(src) });
  cpSync(join(realModules, 'electron-vite'), join(modules, 'electron-vite'), { recursive: true });
  symlinkSync('../electron-vite/bin/electron-vite.js', join(modules, '.bin', 'electron-vite'));
  if (native) {
    const binding = join(dir, 'out', 'native', `electron-${version}`, 'build', 'Release');
    mkdirSync(binding, { recursive: true });
    writeFileSync(join(binding, 'better_sqlite3.node'), native);
  }
  const cache = join(dir, 'electron-cache');
  return { dir, cache, log: join(dir, 'standin.log'), electronDir };
}

/** What a module compiled for `abi` exports for Node to find it; enough for the ABI check, not loadable. */
const markedBinary = (abi: number) => Buffer.from(`\x7fELF stand-in\0node_register_module_v${abi}\0`, 'latin1');

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command asynchronously (the mirror answers from this process), with a clean environment. */
function run(command: string, args: string[], cwd: string, extraEnv: Record<string, string>): Promise<Result> {
  // No npm or Electron settings of the outer run leak in: the child sees only what the test sets.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|electron_)/i.test(k)));
  const child = spawn(command, args, { cwd, env: { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', ...extraEnv } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((done) => child.on('close', (status) => done({ status, stdout, stderr })));
}

const npmStart = (p: Project, mirror: string) =>
  // --skipBuild: electron-vite's build of the app is not what is under test, and out/main is already built.
  run('npm', ['start', '--', '--skipBuild'], p.dir, {
    ELECTRON_MIRROR: mirror,
    electron_use_remote_checksums: '1',
    electron_config_cache: p.cache,
    IMLAB_STANDIN_LOG: p.log,
  });

const realElectronFiles = () => readdirSync(join(realModules, 'electron')).sort();

describe.skipIf(process.platform !== 'linux')('npm start without a downloaded Electron', () => {
  it('downloads Electron from the mirror, checks it, unpacks it and starts it on the built app', async () => {
    const before = realElectronFiles();
    const mirror = await startMirror();
    cleanups.push(() => mirror.close());
    const p = makeProject(markedBinary(electronAbi));

    const first = await npmStart(p, mirror.url);
    expect(first.stderr).not.toContain('Electron uninstall');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Downloading Electron ${version} from ${mirror.url}`);
    expect(first.stdout).toContain(`Electron ${version} is ready: ${join(p.electronDir, 'dist', 'electron')}`);
    expect(mirror.requests).toEqual(expect.arrayContaining([`/v${version}/${zipName}`, `/v${version}/SHASUMS256.txt`]));
    expect(readFileSync(join(p.electronDir, 'path.txt'), 'utf8')).toBe('electron');

    const [cwd, ...args] = readFileSync(p.log, 'utf8').trim().split('\n');
    expect(args).toEqual(['.']);
    expect(cwd).toBe(p.dir);
    const main = resolve(cwd, args[0], (JSON.parse(readFileSync(join(cwd, args[0], 'package.json'), 'utf8')) as { main: string }).main);
    expect(main).toBe(join(p.dir, 'out', 'main', 'index.js'));
    expect(readFileSync(main, 'utf8')).toBe(readFileSync(join(repo, 'out', 'main', 'index.js'), 'utf8'));
    // The download went to the cache the test chose, and the real package was not touched.
    expect(readdirSync(p.cache, { recursive: true })).toContain(join(readdirSync(p.cache)[0], zipName));
    expect(realElectronFiles()).toEqual(before);

    // Installed now: the next start needs no mirror at all.
    await mirror.close();
    const requests = mirror.requests.length;
    writeFileSync(p.log, '');
    const second = await npmStart(p, `http://127.0.0.1:${await closedPort()}/`);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).not.toContain('Downloading Electron');
    expect(readFileSync(p.log, 'utf8').trim().split('\n')).toEqual([p.dir, '.']);
    expect(mirror.requests.length).toBe(requests);
  }, 180_000);

  it('npm run dev prepares Electron the same way', () => {
    const { scripts } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.prestart).toContain('node scripts/electron-binary.mjs');
    expect(scripts.predev).toBe(scripts.prestart);
  });

  it('refuses a download whose checksum does not match and starts nothing', async () => {
    const mirror = await startMirror('0'.repeat(64));
    cleanups.push(() => mirror.close());
    const p = makeProject(markedBinary(electronAbi));
    const r = await npmStart(p, mirror.url);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/checksum|sha/i);
    expect(r.stderr).toContain(`Could not download Electron ${version}`);
    expect(existsSync(p.log)).toBe(false);
    expect(existsSync(join(p.electronDir, 'path.txt'))).toBe(false);
  }, 180_000);

  it('offline, says so and points to the browser version instead of "Electron uninstall"', async () => {
    const p = makeProject(markedBinary(electronAbi));
    const r = await npmStart(p, `http://127.0.0.1:${await closedPort()}/`);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain(`Downloading Electron ${version}`);
    expect(r.stderr).toContain(`Could not download Electron ${version}`);
    expect(r.stderr).toContain('npm run imlab -- serve --open');
    expect(r.stderr).not.toContain('Electron uninstall');
    expect(existsSync(p.log)).toBe(false);
  }, 180_000);
});

describe.skipIf(process.platform === 'win32')('better-sqlite3 for Electron (scripts/electron-native.mjs)', () => {
  it("takes Electron's module version from the electron package, the number node-abi lists for it", () => {
    const registry = JSON.parse(readFileSync(join(realModules, 'node-abi', 'abi_registry.json'), 'utf8')) as { runtime: string; target: string; abi: string }[];
    const major = version.split('.')[0];
    const entry = registry.find((e) => e.runtime === 'electron' && e.target.split('.')[0] === major);
    expect(Number(entry?.abi)).toBe(electronAbi);
    expect(electronAbi).not.toBe(Number(process.versions.modules));
  });

  /** Build tools as they behaved offline: no prebuilt binary, and node-gyp "succeeding" with `build` (Node's ABI). */
  function offlineTools(p: Project, build: string) {
    const bin = join(p.dir, 'node_modules', '.bin');
    writeFileSync(join(bin, 'prebuild-install'), '#!/bin/sh\necho "prebuild-install warn install getaddrinfo ENOTFOUND github.com" >&2\nexit 1\n');
    writeFileSync(join(bin, 'node-gyp'), `#!/bin/sh\necho "nodedir=$npm_config_nodedir" > "${p.log}"\nmkdir -p build/Release && cp "${build}" build/Release/better_sqlite3.node\n`);
    chmodSync(join(bin, 'prebuild-install'), 0o755);
    chmodSync(join(bin, 'node-gyp'), 0o755);
  }
  const binding = (p: Project) => join(p.dir, 'out', 'native', `electron-${version}`, 'build', 'Release', 'better_sqlite3.node');
  const native = (p: Project) => run(process.execPath, ['scripts/electron-native.mjs'], p.dir, { npm_config_nodedir: '/usr' });

  it("fails, and keeps nothing, when what was built has Node's ABI instead of Electron's", async () => {
    const p = makeProject();
    offlineTools(p, nodeBuild);
    const r = await native(p);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/^better-sqlite3 for Electron/m);
    expect(r.stderr).toContain(`has NODE_MODULE_VERSION ${process.versions.modules}, but Electron ${version} loads only ${electronAbi}`);
    expect(r.stderr).toContain('npm run imlab -- serve --open');
    expect(existsSync(binding(p))).toBe(false);
    // npm's nodedir setting (what made node-gyp use Node's headers) does not reach the build tools.
    expect(readFileSync(p.log, 'utf8').trim()).toBe('nodedir=');
  });

  it('rebuilds a cached build of the wrong ABI and accepts one of the right ABI', async () => {
    const p = makeProject(readFileSync(nodeBuild));
    const right = join(p.dir, 'right.node');
    writeFileSync(right, markedBinary(electronAbi));
    offlineTools(p, right);
    const r = await native(p);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`has NODE_MODULE_VERSION ${process.versions.modules}, Electron ${version} needs ${electronAbi}: building it again`);
    expect(r.stdout).toContain(`better-sqlite3 for Electron ${version} (NODE_MODULE_VERSION ${electronAbi})`);
    expect(readFileSync(binding(p))).toEqual(markedBinary(electronAbi));

    // Verified once, it is kept: the next start builds nothing.
    writeFileSync(p.log, '');
    const again = await native(p);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe('');
    expect(readFileSync(p.log, 'utf8')).toBe('');
  });
});
