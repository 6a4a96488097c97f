/**
 * An edge's trunk slots, checked against the calls it carries (MSS
 * per-trunk limits must stay exact while the edge lives): every lease this
 * edge and boot hold for a call it did not name in `held`, taken more than
 * `graceSeconds` ago, is given back. The reaper frees a dead or restarted
 * edge's leases; this frees a live edge's leases whose release never
 * landed — an end lost on the way, or a write the store lost (the embedded
 * emulator was seen to, under overload: docs/benchmarks.md) — so a trunk
 * does not stay short of a slot until the edge restarts.
 *
 * The grace keeps a take whose call the edge does not carry yet (its
 * authorize-call or take-trunk-slot still answering) from counting as
 * unheld. Bound: audit period + grace after the call ended
 * (edge/src/proxy/trunk-slot-audit.ts).
 */
import type { AuditTrunkSlotsEvent, AuditTrunkSlotsResult } from '../../../contracts/function-events.js';
import type { TrunkUsageStore } from './trunk-usage-repository.js';

export interface AuditTrunkSlotsDeps {
  trunkUsage: Pick<TrunkUsageStore, 'releaseUnheld'>;
  /** Epoch ms. */
  now: () => number;
}

export async function auditTrunkSlots(event: AuditTrunkSlotsEvent, deps: AuditTrunkSlotsDeps): Promise<AuditTrunkSlotsResult> {
  const takenBefore = deps.now() - event.graceSeconds * 1000;
  return { released: await deps.trunkUsage.releaseUnheld(event.edge, new Set(event.held), takenBefore) };
}
