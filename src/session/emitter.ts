/** @internal A typed event emitter whose listeners cannot break the code that emits. */
export interface Emitter<Events> {
  on<E extends keyof Events>(event: E, listener: (detail: Events[E]) => void): () => void;
  emit<E extends keyof Events>(event: E, detail: Events[E]): void;
}

/** @internal */
export function createEmitter<Events>(): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<(detail: never) => void>>();
  return {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (detail: never) => void);
      return () => void set.delete(listener as (detail: never) => void);
    },
    emit(event, detail) {
      for (const listener of [...(listeners.get(event) ?? [])] as ((value: Events[typeof event]) => void)[]) {
        try {
          listener(detail);
        } catch (error) {
          // A failing listener must not leave the session half-updated; it is reported on its own.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
  };
}
