/**
 * The trunk slots (MSS per-trunk call limits) this edge's calls hold, as the
 * functions granted and released them through the invoker: authorize-call's
 * admitted legs, take-trunk-slot on failover, release-call on every end.
 * The source of `nimbus_trunk_calls` without a store read per scrape; the
 * sum over all edges is what the trunk's usage item counts (the admin API's
 * `usage`), except for slots of a dead edge until the reaper reclaims them.
 * Pure.
 */
import type { TrunkSlot } from '../../../contracts/function-events.js';

export interface TrunkCalls {
  tenantId: string;
  trunkId: string;
  direction: TrunkSlot['direction'];
  calls: number;
}

const sameSlot = (a: TrunkSlot, b: TrunkSlot) => a.tenantId === b.tenantId && a.trunkId === b.trunkId && a.direction === b.direction;

export class TrunkSlotBook {
  private readonly byCall = new Map<string, TrunkSlot[]>();

  /** Taking a slot twice for one call is a no-op, as in the store (trunk-usage-repository.ts). */
  taken(callId: string, slots: readonly TrunkSlot[]): void {
    const held = this.byCall.get(callId) ?? [];
    for (const slot of slots) if (!held.some((h) => sameSlot(h, slot))) held.push({ ...slot });
    if (held.length > 0) this.byCall.set(callId, held);
  }

  released(callId: string, slots: readonly TrunkSlot[]): void {
    const held = this.byCall.get(callId)?.filter((h) => !slots.some((s) => sameSlot(h, s)));
    if (held && held.length > 0) this.byCall.set(callId, held);
    else this.byCall.delete(callId);
  }

  /** Calls per trunk and direction, trunks without a call left out. */
  usage(): TrunkCalls[] {
    const counts = new Map<string, TrunkCalls>();
    for (const slots of this.byCall.values()) {
      for (const slot of slots) {
        const key = `${slot.tenantId}\u0000${slot.trunkId}\u0000${slot.direction}`;
        const entry = counts.get(key) ?? { tenantId: slot.tenantId, trunkId: slot.trunkId, direction: slot.direction, calls: 0 };
        entry.calls++;
        counts.set(key, entry);
      }
    }
    return [...counts.values()];
  }
}
