/**
 * Taking and releasing call slots: the slot rules (call-slot-rules.ts)
 * applied to a user's slot item with optimistic concurrency.
 */
import { updateCallSlots, type CallSlotStore, type SlotOwner } from './call-slot-repository.js';
import {
  releaseSlot,
  takeSlot,
  type CallLimits,
  type CallSlotEntry,
  type SlotHolderAlive,
  type SlotLimit,
} from './call-slot-rules.js';

export type TakeCallSlotResult = { ok: true } | { ok: false; limit: SlotLimit };

export async function takeCallSlot(
  store: CallSlotStore,
  owner: SlotOwner,
  entry: CallSlotEntry,
  limits: CallLimits,
  /** Loaded only when the user already has calls (saves the heartbeat read for most calls). */
  loadHolderLiveness: () => Promise<SlotHolderAlive>,
): Promise<TakeCallSlotResult> {
  return updateCallSlots<TakeCallSlotResult>(store, owner, async (current) => {
    const alive = current.length === 0 ? () => true : await loadHolderLiveness();
    const result = takeSlot({ current, entry, limits, isHolderAlive: alive });
    if (!result.ok) return { result: { ok: false, limit: result.limit } };
    return result.changed ? { save: result.calls, result: { ok: true } } : { result: { ok: true } };
  });
}

/** Removes the call's entries (by callRef) from the owner's slots; returns how many were removed (0 when already released). */
export async function releaseCallSlot(
  store: CallSlotStore,
  owner: SlotOwner,
  callRef: string,
  isHolderAlive?: SlotHolderAlive,
): Promise<number> {
  return updateCallSlots(store, owner, (current) => {
    const result = releaseSlot(current, callRef, isHolderAlive);
    return result.changed ? { save: result.calls, result: result.released } : { result: result.released };
  });
}

