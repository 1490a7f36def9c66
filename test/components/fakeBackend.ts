/**
 * A Backend for component tests: the Api methods the pages call on load,
 * answered from memory, plus events the test emits by hand.
 */
import type { Api, ApiEventName, ApiEvents, Backend } from '../../src/shared/api';
import type { RunRow } from '../../src/shared/runs';

export interface FakeBackend extends Backend {
  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void;
  calls: { method: string; request: unknown }[];
}

export function makeRun(id: number, over: Partial<RunRow> = {}): RunRow {
  return {
    id,
    name: `run-${id}`,
    kind: 'gail',
    env: 'Hopper-v5',
    method: 'gail',
    trajectories: 4,
    seed: 0,
    status: 'succeeded',
    priority: 0,
    sweepId: null,
    retryOf: null,
    attempt: 1,
    createdAt: 1_700_000_000_000 + id * 1000,
    startedAt: 1_700_000_000_000 + id * 1000,
    finishedAt: 1_700_000_060_000 + id * 1000,
    error: null,
    backend: 'wasm',
    iteration: 10,
    envSteps: 10_000,
    finalMean: 100,
    finalStd: 5,
    finalEpisodes: 10,
    lastEval: 90,
    maxEval: 110,
    dependsOn: [],
    target: { unit: 'envSteps', value: 10_000 },
    stepsPerSec: 1000,
    health: null,
    ...over,
  };
}

export function fakeBackend(runs: RunRow[], overrides: Partial<Api> = {}): FakeBackend {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: { method: string; request: unknown }[] = [];
  const base: Partial<Api> = {
    systemInfo: async () => ({ appVersion: 'test', mujocoVersion: '3.14.0', node: '20', platform: 'linux-x64', cpus: 2, dataFolder: '/tmp/x' }),
    getQueue: async () => ({ paused: false, concurrency: 2, autoResume: true, running: 0, queued: 0, executor: { kind: 'local' } }),
    listRuns: async (r) => {
      const offset = r.offset ?? 0;
      const limit = r.limit ?? 100;
      return { runs: runs.slice(offset, offset + limit), total: runs.length };
    },
    listDatasets: async () => [],
    listSweeps: async () => [],
    listTags: async () => [],
  };
  const impl = { ...base, ...overrides };
  const api = new Proxy({} as Api, {
    get: (_t, method: string) => async (request: unknown) => {
      calls.push({ method, request });
      const f = (impl as Record<string, (r: unknown) => Promise<unknown>>)[method];
      if (!f) throw new Error(`fake backend: ${method} not implemented`);
      return f(request);
    },
  });
  return {
    api,
    calls,
    subscribe: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
    emit: (event, payload) => listeners.get(event)?.forEach((l) => l(payload)),
  };
}
