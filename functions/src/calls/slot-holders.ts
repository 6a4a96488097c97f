/**
 * Whether an entry's holder still carries its call, as a take refused at the
 * limit decides it (calls/call-slots.ts): the edge (boot) must be alive
 * (heartbeats) and its latest slot audit must not show the call gone
 * (releaseNeverLanded). Both are read only then, in parallel.
 */
import type { CarriedCalls, CarriedCallsStore } from '../edges/carried-calls.js';
import type { EdgeLiveness } from './edge-liveness.js';
import { releaseNeverLanded, type SlotHolderAlive } from './call-slot-rules.js';

export function slotHolderCheck(liveness: EdgeLiveness, carried: readonly CarriedCalls[]): SlotHolderAlive {
  const byEdge = new Map(carried.map((c) => [c.edgeId, c]));
  return (entry) => liveness.isAlive(entry.edgeId, entry.bootId) && !releaseNeverLanded(entry, byEdge.get(entry.edgeId));
}

/** The check, from the liveness view and the audits (none without a store of them: liveness alone). */
export async function loadSlotHolderCheck(
  liveness: () => Promise<EdgeLiveness>,
  carriedCalls: Pick<CarriedCallsStore, 'list'> | undefined,
): Promise<SlotHolderAlive> {
  const [l, carried] = await Promise.all([liveness(), carriedCalls ? carriedCalls.list() : Promise.resolve([])]);
  return slotHolderCheck(l, carried);
}
