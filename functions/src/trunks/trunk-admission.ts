/**
 * Admission of calls on SIP trunks (MSS per-trunk limits): a call through a
 * trunk takes a slot in its direction before any SIP goes to the carrier (or
 * before an inbound call is routed to a user), and every end of the call
 * releases it.
 *
 * - maxIncomingCalls / maxOutgoingCalls are independent; maxTotalCalls
 *   counts both. Absent = unlimited, 0 = that direction (or the trunk)
 *   disabled.
 * - Outbound failover: the dial plan lists the trunks in failover order
 *   (dial-plan.ts resolveTrunkRoutes); takeFirstTrunk takes a slot on the
 *   first that has room.
 * - Slots are leases of the edge carrying the call: when the edge dies the
 *   reaper reclaims them (store/trunk-usage-repository.ts reclaimDeadLeases),
 *   at most heartbeat TTL + reaper period after its last heartbeat.
 */
import type { EdgeIdentity, SipReply } from '../../../contracts/function-events.js';
import type { TrunkDirection, TrunkTakeLimits, TrunkUsageStore } from './trunk-usage-repository.js';
import type { Trunk } from '../../../contracts/trunk.js';

export type TrunkLimit = 'maxIncomingCalls' | 'maxOutgoingCalls' | 'maxTotalCalls';

export type TrunkAdmission =
  | { ok: true; tenantId: string; trunkId: string; direction: TrunkDirection; alreadyHeld: boolean }
  | { ok: false; tenantId: string; trunkId: string; direction: TrunkDirection; limit: TrunkLimit | 'call-id-in-use' };

type TrunkLimits = Pick<Trunk, 'maxIncomingCalls' | 'maxOutgoingCalls' | 'maxTotalCalls'>;

const DIRECTION_LIMIT: Record<TrunkDirection, 'maxIncomingCalls' | 'maxOutgoingCalls'> = { in: 'maxIncomingCalls', out: 'maxOutgoingCalls' };

/** The limits a take in this direction is checked against. Pure. */
export function admissionLimits(trunk: TrunkLimits, direction: TrunkDirection): TrunkTakeLimits {
  const max = trunk[DIRECTION_LIMIT[direction]];
  return { ...(max !== undefined ? { max } : {}), ...(trunk.maxTotalCalls !== undefined ? { maxTotal: trunk.maxTotalCalls } : {}) };
}

export async function takeTrunkSlot(
  store: Pick<TrunkUsageStore, 'take'>,
  trunk: Pick<Trunk, 'tenantId' | 'id'> & TrunkLimits,
  direction: TrunkDirection,
  /** The call's key (contracts/call-ref.ts). */
  callRef: string,
  edge: EdgeIdentity,
  now: number,
): Promise<TrunkAdmission> {
  const ref = { tenantId: trunk.tenantId, trunkId: trunk.id };
  const result = await store.take(ref, direction, callRef, edge, admissionLimits(trunk, direction), now);
  const base = { tenantId: trunk.tenantId, trunkId: trunk.id, direction };
  if (result.ok) return { ok: true, ...base, alreadyHeld: result.alreadyHeld };
  const limit = result.refusedBy === 'direction' ? DIRECTION_LIMIT[direction] : result.refusedBy === 'total' ? 'maxTotalCalls' : 'call-id-in-use';
  return { ok: false, ...base, limit };
}

/**
 * Outbound failover: a slot on the first trunk (in the given order) with
 * room. `refused` lists the trunks that were full or disabled, in order.
 */
export async function takeFirstTrunk<T extends Pick<Trunk, 'tenantId' | 'id'> & TrunkLimits>(
  store: Pick<TrunkUsageStore, 'take'>,
  trunks: readonly T[],
  /** The call's key (contracts/call-ref.ts). */
  callRef: string,
  edge: EdgeIdentity,
  now: number,
): Promise<{ trunk?: T; refused: Extract<TrunkAdmission, { ok: false }>[] }> {
  const refused: Extract<TrunkAdmission, { ok: false }>[] = [];
  for (const trunk of trunks) {
    const admission = await takeTrunkSlot(store, trunk, 'out', callRef, edge, now);
    if (admission.ok) return { trunk, refused };
    refused.push(admission);
  }
  return { refused };
}

export async function releaseTrunkSlot(
  store: Pick<TrunkUsageStore, 'release'>,
  trunk: Pick<Trunk, 'tenantId' | 'id'>,
  callRef: string,
  /** The direction it was taken in: the release is then one conditional write. */
  direction: TrunkDirection,
): Promise<boolean> {
  return store.release({ tenantId: trunk.tenantId, trunkId: trunk.id }, callRef, direction);
}

/**
 * What the other side hears when no trunk slot is free.
 * Inbound (carrier → PBX): 486 Busy Here (RFC 3261 §21.4.24), so the carrier
 * may route the call elsewhere. Outbound (user → carrier), every trunk full:
 * 503 Service Unavailable (RFC 3261 §21.5.4) — the PBX, not the callee, has
 * no capacity; 403 when the direction is disabled (limit 0) on every trunk.
 */
export function trunkLimitReply(direction: TrunkDirection, refusedTrunks: readonly TrunkLimits[]): SipReply {
  if (direction === 'in') return { status: 486, reason: 'Busy Here', headers: [] };
  const disabled = (t: TrunkLimits): boolean => t.maxOutgoingCalls === 0 || t.maxTotalCalls === 0;
  if (refusedTrunks.length > 0 && refusedTrunks.every(disabled)) return { status: 403, reason: 'Outgoing trunk calls not allowed', headers: [] };
  return { status: 503, reason: 'All trunks busy', headers: [] };
}
