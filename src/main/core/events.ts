/** A small typed event hub for the API's events. */
import type { ApiEventName, ApiEvents, Subscribe } from '../../shared/api';

export class EventHub {
  private readonly listeners = new Map<ApiEventName, Set<(payload: never) => void>>();

  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (p: ApiEvents[E]) => void)(payload);
  }

  readonly subscribe: Subscribe = (event, listener) => {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as (payload: never) => void);
    this.listeners.set(event, set);
    return () => set.delete(listener as (payload: never) => void);
  };
}
