/** Exposes exactly the typed API to the renderer, nothing else of Node or Electron. */
import { contextBridge, ipcRenderer } from 'electron';
import { API_METHODS, ipcChannel, type Api } from '../shared/api';

const api = Object.fromEntries(
  API_METHODS.map((method) => [method, (...args: unknown[]) => ipcRenderer.invoke(ipcChannel(method), ...args)]),
) as unknown as Api;

contextBridge.exposeInMainWorld('imlab', api);
