/**
 * Electron shell: one window, and each API method bridged over ipcMain.handle.
 * All behaviour lives in core/service.ts; this file only adapts transports.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain } from 'electron';
import { API_METHODS, ipcChannel, type Api } from '../shared/api';
import { createService } from './core/service';

function registerApi(api: Api): void {
  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), () => api[method]());
  }
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
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
}

void app.whenReady().then(() => {
  registerApi(createService({ appVersion: app.getVersion() }));
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
