/**
 * A call ended (every way: answered and hung up, cancelled, rejected,
 * timed out): give its concurrent-call slots and trunk slots back — and
 * those of the other calls the event carries (`more`: the ends of one short
 * window on the edge, edge/src/proxy/release-batcher.ts). A failure fails
 * the whole event; the edge sends it again, and what was released stays so.
 * Idempotent — the edge may call it twice, or after the reaper already
 * released the slots; an entry that is gone stays gone.
 */
import type { ReleaseCallEvent, ReleaseCallResult, ReleasedCall } from '../../../contracts/function-events.js';
import { callRefOf } from '../../../contracts/call-ref.js';
import { releaseCallSlot } from './call-slots.js';
import type { CallSlotStore } from './call-slot-repository.js';
import type { TrunkUsageStore } from '../trunks/trunk-usage-repository.js';

export interface ReleaseCallDeps {
  slots: CallSlotStore;
  /** Trunk slots (MSS per-trunk limits); needed as soon as an event carries `trunkSlots`. */
  trunkUsage?: Pick<TrunkUsageStore, 'release'>;
}

/** Every call of the event, the first and those in `more`, one after the other. */
export async function releaseCall(event: ReleaseCallEvent, deps: ReleaseCallDeps): Promise<ReleaseCallResult> {
  let released = 0;
  for (const call of [event, ...(event.more ?? [])]) released += await releaseOne(call, deps);
  return { released };
}

async function releaseOne(call: ReleasedCall, deps: ReleaseCallDeps): Promise<number> {
  // The call's slots and leases are keyed by its callRef (contracts/call-ref.ts), not by its Call-ID.
  const callRef = callRefOf(call);
  let released = 0;
  // A slot that names its direction is one conditional write; one without
  // (an earlier version's) releases the owner's entries in both directions,
  // so the same owner listed twice that way is released once.
  const slots = new Map(call.slots.map((s) => [`${s.tenantId}/${s.ext}/${s.direction ?? '*'}`, s]));
  for (const slot of slots.values()) released += await releaseCallSlot(deps.slots, slot, callRef, slot.direction);

  // Keyed by trunk: the lease is per call and trunk, whatever direction the edge listed.
  const trunkSlots = [...new Map((call.trunkSlots ?? []).map((s) => [`${s.tenantId}#${s.trunkId}`, s])).values()];
  if (trunkSlots.length > 0) {
    const usage = deps.trunkUsage;
    if (!usage) throw new Error('release-call: trunk slots given but no trunk usage store configured');
    for (const slot of trunkSlots) {
      if (await usage.release({ tenantId: slot.tenantId, trunkId: slot.trunkId }, callRef, slot.direction)) released++;
    }
  }
  return released;
}
