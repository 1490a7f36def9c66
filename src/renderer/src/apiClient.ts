/**
 * The renderer's only way to the backend: the Api contract and its events,
 * from the Electron preload when inside the app, otherwise over HTTP + SSE
 * from the web shell that served this page.
 */
import { API_EVENTS, type ApiEventName, type ApiEvents, type Backend } from '../../shared/api';
import { createHttpApi } from '../../shared/httpApi';

export function connectBackend(): Backend {
  if (window.imlab) return window.imlab;
  const api = createHttpApi(window.location.origin);
  const source = new EventSource('/api/events');
  const subscribe = <E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) => {
    if (!API_EVENTS.includes(event)) throw new Error(`unknown event ${event}`);
    const handler = (m: MessageEvent<string>) => listener(JSON.parse(m.data) as ApiEvents[E]);
    source.addEventListener(event, handler);
    return () => source.removeEventListener(event, handler);
  };
  return { api, subscribe };
}
