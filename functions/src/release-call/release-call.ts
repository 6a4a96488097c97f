/**
 * A call ended (every way: answered and hung up, cancelled, rejected,
 * timed out): give its concurrent-call slots back. Idempotent — the edge may
 * call it twice, or after the reaper already released the slots; an entry
 * that is gone stays gone.
 */
import type { ReleaseCallEvent, ReleaseCallResult } from '../contracts.js';
import { releaseCallSlot } from '../calls/call-slots.js';
import type { CallSlotStore } from '../store/call-slot-repository.js';

export interface ReleaseCallDeps {
  slots: CallSlotStore;
}

export async function releaseCall(event: ReleaseCallEvent, deps: ReleaseCallDeps): Promise<ReleaseCallResult> {
  let released = 0;
  // The same owner listed twice (a user calling itself) is released once.
  const owners = new Map(event.slots.map((s) => [`${s.tenantId}/${s.ext}`, s]));
  for (const owner of owners.values()) released += await releaseCallSlot(deps.slots, owner, event.callId);
  return { released };
}
