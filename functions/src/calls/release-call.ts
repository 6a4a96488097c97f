/**
 * A call ended (every way: answered and hung up, cancelled, rejected,
 * timed out): give its concurrent-call slots and trunk slots back.
 * Idempotent — the edge may call it twice, or after the reaper already
 * released the slots; an entry that is gone stays gone.
 */
import type { ReleaseCallEvent, ReleaseCallResult } from '../../../contracts/function-events.js';
import { releaseCallSlot } from './call-slots.js';
import type { CallSlotStore } from './call-slot-repository.js';
import type { TrunkUsageStore } from '../trunks/trunk-usage-repository.js';

export interface ReleaseCallDeps {
  slots: CallSlotStore;
  /** Trunk slots (MSS per-trunk limits); needed as soon as an event carries `trunkSlots`. */
  trunkUsage?: Pick<TrunkUsageStore, 'release'>;
}

export async function releaseCall(event: ReleaseCallEvent, deps: ReleaseCallDeps): Promise<ReleaseCallResult> {
  let released = 0;
  // The same owner listed twice (a user calling itself) is released once.
  const owners = new Map(event.slots.map((s) => [`${s.tenantId}/${s.ext}`, s]));
  for (const owner of owners.values()) released += await releaseCallSlot(deps.slots, owner, event.callId);

  // Keyed by trunk: the lease is per call and trunk, whatever direction the edge listed.
  const trunkSlots = [...new Map((event.trunkSlots ?? []).map((s) => [`${s.tenantId}#${s.trunkId}`, s])).values()];
  if (trunkSlots.length > 0) {
    const usage = deps.trunkUsage;
    if (!usage) throw new Error('release-call: trunk slots given but no trunk usage store configured');
    for (const slot of trunkSlots) {
      // The stored lease names its direction: releasing by Call-ID frees exactly what this call took.
      if (await usage.release({ tenantId: slot.tenantId, trunkId: slot.trunkId }, event.callId)) released++;
    }
  }
  return { released };
}
