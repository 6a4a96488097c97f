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
import type { TrunkLeaseRef, TrunkRef, TrunkUsageStore } from '../trunks/trunk-usage-repository.js';

export interface ReleaseCallDeps {
  slots: CallSlotStore;
  /** Trunk slots (MSS per-trunk limits); needed as soon as an event carries `trunkSlots`. */
  trunkUsage?: Pick<TrunkUsageStore, 'release' | 'releaseMany'>;
}

/** Every call of the event, the first and those in `more`, one after the other. */
export async function releaseCall(event: ReleaseCallEvent, deps: ReleaseCallDeps): Promise<ReleaseCallResult> {
  const calls = [event, ...(event.more ?? [])];
  let released = 0;
  for (const call of calls) released += await releaseUserSlots(call, deps);
  return { released: released + (await releaseTrunkSlots(calls, deps)) };
}

async function releaseUserSlots(call: ReleasedCall, deps: ReleaseCallDeps): Promise<number> {
  // The call's slots and leases are keyed by its callRef (contracts/call-ref.ts), not by its Call-ID.
  const callRef = callRefOf(call);
  let released = 0;
  // A slot that names its direction is one conditional write; one without
  // (an earlier version's) releases the owner's entries in both directions,
  // so the same owner listed twice that way is released once.
  const slots = new Map(call.slots.map((s) => [`${s.tenantId}/${s.ext}/${s.direction ?? '*'}`, s]));
  for (const slot of slots.values()) released += await releaseCallSlot(deps.slots, slot, callRef, slot.direction);
  return released;
}

/**
 * The trunk slots of every call of the event, by trunk: the ends of one
 * moment on a busy trunk go back with one write (releaseMany), not one per
 * call.
 */
async function releaseTrunkSlots(calls: readonly ReleasedCall[], deps: ReleaseCallDeps): Promise<number> {
  const byTrunk = new Map<string, { ref: TrunkRef; leases: Map<string, TrunkLeaseRef> }>();
  for (const call of calls) {
    const callRef = callRefOf(call);
    for (const slot of call.trunkSlots ?? []) {
      const key = `${slot.tenantId}#${slot.trunkId}`;
      const trunk = byTrunk.get(key) ?? { ref: { tenantId: slot.tenantId, trunkId: slot.trunkId }, leases: new Map() };
      // Keyed by call: the lease is per call and trunk, whatever else the edge listed.
      if (!trunk.leases.has(callRef)) trunk.leases.set(callRef, { callRef, dir: slot.direction });
      byTrunk.set(key, trunk);
    }
  }
  if (byTrunk.size === 0) return 0;
  const usage = deps.trunkUsage;
  if (!usage) throw new Error('release-call: trunk slots given but no trunk usage store configured');
  let released = 0;
  for (const { ref, leases } of byTrunk.values()) released += await usage.releaseMany(ref, [...leases.values()]);
  return released;
}
