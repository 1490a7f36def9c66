import type { ApiEventName, ApiEvents, Backend, Subscribe } from '../../src/shared/api';
import { createHttpApi } from '../../src/shared/httpApi';
import { startCoordinator, type Coordinator } from '../../src/main/core/service';
import { startWebServer, type WebServer } from '../../src/main/webServer';
import { tempDir } from './runs';

export interface TestBackend extends Backend {
  coordinator: Coordinator;
  web?: WebServer;
  close(): Promise<void>;
}

export async function inProcessBackend(concurrency = 2): Promise<TestBackend> {
  const coordinator = await startCoordinator({ appVersion: 'test', home: tempDir('home'), concurrency, stopGraceMs: 5000 });
  return { api: coordinator.api, subscribe: coordinator.subscribe, coordinator, close: () => coordinator.close() };
}

/** The same coordinator reached the way a browser reaches it: HTTP for methods, SSE for events. */
export async function httpBackend(concurrency = 2): Promise<TestBackend> {
  const coordinator = await startCoordinator({ appVersion: 'test', home: tempDir('home'), concurrency, stopGraceMs: 5000 });
  const web = await startWebServer(coordinator, { staticDir: tempDir('static') });
  const events = sseSubscribe(web.url, web.token);
  return {
    api: createHttpApi(web.url, web.token),
    subscribe: events.subscribe,
    coordinator,
    web,
    async close() {
      events.close();
      await web.close();
      await coordinator.close();
    },
  };
}

/** A minimal SSE client over fetch (Node has no EventSource). */
export function sseSubscribe(url: string, token: string): { subscribe: Subscribe; close(): void } {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const controller = new AbortController();
  void (async () => {
    try {
      const res = await fetch(`${url}/api/events`, { headers: { 'x-imlab-token': token }, signal: controller.signal });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) listeners.get(event)?.forEach((l) => l(JSON.parse(data)));
        }
      }
    } catch {
      // Closed by the test.
    }
  })();
  const subscribe = (<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) => {
    const set = listeners.get(event) ?? new Set();
    set.add(listener as (p: unknown) => void);
    listeners.set(event, set);
    return () => set.delete(listener as (p: unknown) => void);
  }) as Subscribe;
  return { subscribe, close: () => controller.abort() };
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
