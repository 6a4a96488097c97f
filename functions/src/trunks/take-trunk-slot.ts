/**
 * Outbound failover: authorize-call admitted the first trunk leg; before the
 * edge sends the INVITE to the next trunk it takes that trunk's 'out' slot
 * here (MSS per-trunk limits, trunks/trunk-admission.ts). Taking twice for
 * the same call (a retried invoke, the same callRef) is harmless: the slot
 * is already held.
 */
import type { TakeTrunkSlotEvent, TakeTrunkSlotResult } from '../../../contracts/function-events.js';
import type { TrunkUsageStore } from './trunk-usage-repository.js';
import { callRefOf } from '../../../contracts/call-ref.js';
import { takeTrunkSlot as admit } from './trunk-admission.js';
import type { TrunkReader } from './trunk-repository.js';

export interface TakeTrunkSlotDeps {
  trunks: Pick<TrunkReader, 'getTrunk'>;
  trunkUsage: Pick<TrunkUsageStore, 'take'>;
  /** Epoch ms. */
  now: () => number;
}

export const UNKNOWN_TRUNK = 'unknown trunk';

export async function takeTrunkSlot(event: TakeTrunkSlotEvent, deps: TakeTrunkSlotDeps): Promise<TakeTrunkSlotResult> {
  const trunk = await deps.trunks.getTrunk(event.tenantId, event.trunkId);
  if (!trunk) return { ok: false, reason: UNKNOWN_TRUNK };
  const admission = await admit(deps.trunkUsage, trunk, 'out', callRefOf(event), event.edge, deps.now());
  if (!admission.ok) return { ok: false, reason: admission.limit };
  return { ok: true, slot: { tenantId: trunk.tenantId, trunkId: trunk.id, direction: 'out' } };
}
