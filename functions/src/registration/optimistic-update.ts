/**
 * Read-modify-write of a user's bindings item with optimistic concurrency:
 * two REGISTERs of the same user racing (two devices, two edges) both read
 * version n; only one conditional write of n+1 wins, the other re-reads and
 * re-applies its rules on the fresh bindings. That keeps the max-devices rule
 * exact without locks. A warm function's remembered copy of the item
 * (binding-repository.ts) may serve as the first read: it is only ever
 * trusted through a conditional write.
 */
import type { Binding } from './binding.js';
import type { BindingStore } from './binding-repository.js';
import { conflictBackoff } from '../store/conflict-backoff.js';
import type { AorRef } from '../store/keys.js';

export const MAX_UPDATE_ATTEMPTS = 5;

/** Every attempt lost the race; RFC 3261 §10.3 wants 500 when bindings cannot be committed. */
export class BindingConflictError extends Error {
  override name = 'BindingConflictError';
}

export interface BindingDecision<T> {
  /** New bindings to store, or undefined to leave the item unchanged. */
  save?: Binding[];
  result: T;
}

export async function updateBindings<T>(
  store: BindingStore,
  aor: AorRef,
  now: number,
  decide: (current: Binding[]) => BindingDecision<T> | Promise<BindingDecision<T>>,
): Promise<T> {
  // The first try may start from the function's remembered copy (a refresh then reads nothing); the write's version check keeps it honest.
  let remembered = true;
  for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
    const set = await store.loadBindings(aor, now, { remembered });
    remembered = false;
    const decision = await decide(set.bindings);
    if (decision.save === undefined) {
      // Nothing to write means nothing verified the copy: answer from the store.
      if (set.remembered) {
        attempt--;
        continue;
      }
      return decision.result;
    }
    if (await store.saveBindings(aor, decision.save, set.version, now, set.online)) return decision.result;
    // A stale remembered copy is no race: straight to a fresh read.
    if (attempt < MAX_UPDATE_ATTEMPTS && !set.remembered) await conflictBackoff(attempt);
  }
  throw new BindingConflictError(`bindings of ${aor.tenantId}/${aor.ext} changed concurrently ${MAX_UPDATE_ATTEMPTS} times in a row`);
}
