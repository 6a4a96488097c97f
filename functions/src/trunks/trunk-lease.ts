/**
 * An edge takes, renews or gives up the lease on an external line: only the
 * holder registers it (edge/src/trunks/trunk-lease.ts). The store decides
 * with one conditional write, so edges racing for a line never both win.
 */
import type { TrunkLeaseEvent, TrunkLeaseResult } from '../../../contracts/function-events.js';
import type { TrunkLeaseStore } from './trunk-lease-repository.js';

export interface TrunkLeaseDeps {
  leases: TrunkLeaseStore;
  /** Epoch ms. */
  now: () => number;
}

export async function trunkLease(event: TrunkLeaseEvent, deps: TrunkLeaseDeps): Promise<TrunkLeaseResult> {
  if (event.op === 'release') {
    await deps.leases.release(event.trunkKey, event.edgeId);
    return { held: false };
  }
  // The event schema requires ttlMs > 0 for acquire; this guards direct callers.
  if (event.ttlMs === undefined || event.ttlMs <= 0) throw new Error('trunk-lease: acquire needs ttlMs > 0');
  return { held: await deps.leases.acquire(event.trunkKey, event.edgeId, event.ttlMs, deps.now()) };
}
