/**
 * Electron shell: one window; each API method bridged over ipcMain.handle
 * (payloads validated by the service), each API event sent to the window.
 * All behaviour lives in core/; this file only adapts transports.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain } from 'electron';
import { API_EVENTS, API_METHODS, ipcChannel } from '../shared/api';
import { APP_VERSION } from './appVersion';
import { ChildProcessExecutor, RUN_PROCESS_V8_FLAGS } from './core/queue/executor';
import { startCoordinator, type Coordinator } from './core/service';
import { toWireError } from './core/wireError';

let coordinator: Coordinator | undefined;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    title: 'Imitation Lab',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.mjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  return win;
}

/** better-sqlite3 built for Electron's ABI: by scripts/electron-native.mjs in development, by electron-builder when packaged. */
function useElectronSqlite(): void {
  const dev = join(import.meta.dirname, '..', 'native', `electron-${process.versions.electron}`, 'build', 'Release', 'better_sqlite3.node');
  if (!app.isPackaged && existsSync(dev)) process.env.IMLAB_SQLITE_BINDING = dev;
}

void app.whenReady().then(async () => {
  useElectronSqlite();
  const runEnv: Record<string, string> = {
    ELECTRON_RUN_AS_NODE: '1',
    // Models and presets ship as extra resources beside the app archive.
    ...(app.isPackaged ? { IMLAB_RESOURCES: join(process.resourcesPath, 'resources') } : {}),
  };
  coordinator = await startCoordinator({
    appVersion: APP_VERSION,
    home: process.env.IMLAB_HOME ?? app.getPath('userData'),
    // Runs execute in Electron's own Node (no separate Node install needed).
    localExecutor: new ChildProcessExecutor(join(import.meta.dirname, 'runProcess.js'), [], { ...process.env, ...runEnv }),
    // Slurm jobs too: the app's Electron as Node on the bundled job entry (the app must be on a filesystem the nodes share).
    slurm: {
      command: ['env', ...Object.entries(runEnv).map(([k, v]) => `${k}=${v}`), process.execPath, ...RUN_PROCESS_V8_FLAGS, join(import.meta.dirname, 'jobProcess.js')],
    },
  });
  const c = coordinator;
  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), async (_event, request: unknown) => {
      try {
        return { ok: true, value: await (c.api[method] as (r: unknown) => Promise<unknown>)(request) };
      } catch (e) {
        return { ok: false, error: toWireError(e) };
      }
    });
  }
  const win = createWindow();
  for (const event of API_EVENTS) c.subscribe(event, (payload) => win.webContents.send(ipcChannel(event), payload));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', (e) => {
  if (!coordinator) return;
  e.preventDefault();
  const c = coordinator;
  coordinator = undefined;
  void c.close().finally(() => app.quit());
});
