import "server-only";
import { EventEmitter } from "node:events";

/**
 * Tells the verification path that a key changed, so it can drop cached records.
 * `hashes` lists every secret hash whose cached answer may now be wrong: the current
 * secret, a rolled-away secret and any retired secrets still in their grace period.
 *
 * In-process only on purpose: a later issue bridges these events to other instances
 * (PostgreSQL LISTEN/NOTIFY or Redis pub/sub). Emitted only after the change has been
 * committed, so a listener that re-reads the key sees the new state.
 */
export type KeyChangedEvent = { tenantId: string; keyId: string; hashes: string[] };
export type KeyChangedListener = (event: KeyChangedEvent) => void;

const EVENT = "key-changed";

// Kept on globalThis because Next.js can load this module more than once in one process
// (route handlers and server actions are bundled separately); every copy must share one
// emitter or a revocation made by an action would never reach the verify route's cache.
const scope = globalThis as { __keyplaneKeyEvents?: EventEmitter };
scope.__keyplaneKeyEvents ??= new EventEmitter().setMaxListeners(0);
const emitter: EventEmitter = scope.__keyplaneKeyEvents;

/** Subscribes to key changes; returns the function that unsubscribes. */
export function onKeyChanged(listener: KeyChangedListener): () => void {
  emitter.on(EVENT, listener);
  return () => {
    emitter.off(EVENT, listener);
  };
}

export function emitKeyChanged(event: KeyChangedEvent): void {
  // The change is already committed; a failing listener must not turn it into an error
  // for the person who made it, so each listener is isolated and failures are logged.
  for (const listener of emitter.listeners(EVENT) as KeyChangedListener[]) {
    try {
      listener(event);
    } catch (error) {
      console.error(
        "[keys] key-changed listener failed:",
        error instanceof Error ? error.message : error,
      );
    }
  }
}
