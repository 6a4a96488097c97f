/**
 * An edge's slots, checked against the calls it carries (MSS per-trunk and
 * per-user limits must stay exact while the edge lives). The reaper frees a
 * dead or restarted edge's slots; this frees a live edge's slots whose
 * release never landed — an end lost on the way, or a write the store lost
 * (the embedded emulator was seen to, under overload: docs/benchmarks.md):
 *
 * - trunk slots: every lease this edge and boot hold for a call not in
 *   `trunkSlotsHeld`, taken more than `graceSeconds` ago, is given back now
 *   (the usage items are few and indexed: trunks/trunk-usage-repository.ts);
 * - call slots: users' items are many and not indexed by holder, so the
 *   calls in `callSlotsHeld` are recorded (edges/carried-calls.ts) and the
 *   next take that finds a user at the limit gives back this edge's entries
 *   the record shows gone (calls/slot-holders.ts). A leaked entry costs
 *   nothing until then.
 *
 * The grace keeps a take whose call the edge does not carry yet (its
 * authorize-call or take-trunk-slot still answering) from counting as
 * unheld. Bound: audit period + grace after the call ended
 * (edge/src/proxy/slot-audit.ts).
 */
import type { AuditSlotsEvent, AuditSlotsResult } from '../../../contracts/function-events.js';
import type { CarriedCallsStore } from '../edges/carried-calls.js';
import type { TrunkUsageStore } from '../trunks/trunk-usage-repository.js';

export interface AuditSlotsDeps {
  trunkUsage: Pick<TrunkUsageStore, 'releaseUnheld'>;
  carriedCalls: Pick<CarriedCallsStore, 'record'>;
  /** Epoch ms. */
  now: () => number;
}

export async function auditSlots(event: AuditSlotsEvent, deps: AuditSlotsDeps): Promise<AuditSlotsResult> {
  const now = deps.now();
  const graceMs = event.graceSeconds * 1000;
  const [released, recorded] = await Promise.all([
    deps.trunkUsage.releaseUnheld(event.edge, new Set(event.trunkSlotsHeld), now - graceMs),
    deps.carriedCalls.record({ edgeId: event.edge.id, bootId: event.edge.bootId, callRefs: new Set(event.callSlotsHeld), at: now, graceMs }),
  ]);
  return { released, recorded };
}
