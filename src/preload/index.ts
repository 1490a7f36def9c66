/** Exposes exactly the typed API and its events to the renderer, nothing else of Node or Electron. */
import { contextBridge, ipcRenderer } from 'electron';
import { API_EVENTS, API_METHODS, ipcChannel, type ApiEventName } from '../shared/api';

type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; field?: string } };

const api = Object.fromEntries(
  API_METHODS.map((method) => [
    method,
    async (request: unknown) => {
      const reply = (await ipcRenderer.invoke(ipcChannel(method), request ?? {})) as Reply;
      if (reply.ok) return reply.value;
      throw Object.assign(new Error(reply.error.message), reply.error);
    },
  ]),
);

function subscribe(event: ApiEventName, listener: (payload: unknown) => void): () => void {
  if (!API_EVENTS.includes(event)) throw new Error(`unknown event ${event}`);
  const handler = (_e: unknown, payload: unknown) => listener(payload);
  ipcRenderer.on(ipcChannel(event), handler);
  return () => ipcRenderer.off(ipcChannel(event), handler);
}

contextBridge.exposeInMainWorld('imlab', { api, subscribe });
