/**
 * Taking and releasing call slots: one conditional write each in the common
 * path (call-slot-repository.ts); the rules (call-slot-rules.ts) decide only
 * when a take was refused, from one read of the item.
 */
import type { CallSlotStore, HeldSlot, SlotOwner } from './call-slot-repository.js';
import {
  deadSlots,
  explainRefusedTake,
  limitReached,
  type CallLimits,
  type CallSlotEntry,
  type SlotHolderAlive,
  type SlotLimit,
} from './call-slot-rules.js';
import { conflictBackoff } from '../store/conflict-backoff.js';
import { callRefOf } from '../../../contracts/call-ref.js';

export type TakeCallSlotResult = { ok: true } | { ok: false; limit: SlotLimit };

/**
 * Rounds of "write refused, read, act" before giving up: each round either
 * decides or changes the item (a prune, a migration) or sees a release race
 * past, so a burst of N calls to one user settles in a few.
 */
export const MAX_SLOT_ATTEMPTS = 10;

/** The item kept changing under every attempt; the request fails with 500 + Retry-After like a REGISTER would. */
export class CallSlotConflictError extends Error {
  override name = 'CallSlotConflictError';
}

export async function takeCallSlot(
  store: CallSlotStore,
  owner: SlotOwner,
  entry: CallSlotEntry & { callRef: string },
  limits: CallLimits,
  /** Loaded only when the limit is reached (saves the heartbeat read for most calls). */
  loadHolderLiveness: () => Promise<SlotHolderAlive>,
): Promise<TakeCallSlotResult> {
  // MSS: a limit of 0 allows nothing; no write needed to say so.
  const disabled = limitReached({ calls: 0, out: 0 }, entry.direction, limits);
  if (disabled) return { ok: false, limit: disabled };
  let alive: SlotHolderAlive | undefined;
  for (let attempt = 1; attempt <= MAX_SLOT_ATTEMPTS; attempt++) {
    if (await store.take(owner, entry, limits)) return { ok: true };
    const item = await store.load(owner);
    const why = explainRefusedTake(item, entry, limits);
    if (why.kind === 'held') return { ok: true };
    if (why.kind === 'legacy') {
      await store.migrateLegacy(owner, item.legacy!);
      continue;
    }
    if (why.kind === 'full') {
      // Only a full user is worth the heartbeat read: dead holders may be what fills the limit.
      alive ??= await loadHolderLiveness();
      const dead = deadSlots(item.entries, alive);
      if (dead.length === 0) return { ok: false, limit: why.limit };
      for (const e of dead) await store.remove(owner, { callRef: callRefOf(e), direction: e.direction }, e);
      continue;
    }
    // 'raced': a release got in between the write and the read.
    if (attempt < MAX_SLOT_ATTEMPTS) await conflictBackoff(attempt);
  }
  throw new CallSlotConflictError(`call slots of ${owner.tenantId}/${owner.ext} changed under ${MAX_SLOT_ATTEMPTS} attempts in a row`);
}

/**
 * Gives back the call's slot in the owner's item; returns how many entries
 * were removed (0 when already released: idempotent).
 * - direction known (every event of this version): one conditional write;
 * - direction unknown (an event of an earlier edge): read the item, remove
 *   the call's entries in either direction, migrating an item an earlier
 *   version wrote; `isHolderAlive` (the reaper) prunes dead holders too.
 */
export async function releaseCallSlot(
  store: CallSlotStore,
  owner: SlotOwner,
  callRef: string,
  direction?: HeldSlot['direction'],
  isHolderAlive?: SlotHolderAlive,
): Promise<number> {
  if (direction) return (await store.remove(owner, { callRef, direction })) ? 1 : 0;
  for (let attempt = 1; attempt <= MAX_SLOT_ATTEMPTS; attempt++) {
    const item = await store.load(owner);
    if (item.legacy) {
      const mine = item.legacy.calls.filter((e) => callRefOf(e) === callRef).length;
      if (mine === 0) return 0;
      if (await store.migrateLegacy(owner, item.legacy, callRef)) return mine;
      continue;
    }
    let released = 0;
    for (const e of item.entries) {
      if (callRefOf(e) === callRef) {
        if (await store.remove(owner, { callRef, direction: e.direction })) released++;
      } else if (isHolderAlive && !isHolderAlive(e)) {
        await store.remove(owner, { callRef: callRefOf(e), direction: e.direction }, e);
      }
    }
    return released;
  }
  throw new CallSlotConflictError(`call slots of ${owner.tenantId}/${owner.ext} changed under ${MAX_SLOT_ATTEMPTS} attempts in a row`);
}
