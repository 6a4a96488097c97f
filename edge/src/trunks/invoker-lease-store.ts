/**
 * The trunk lease store as the edge reaches it: the 'trunk-lease' function
 * through the invoker (in-process locally, Lambda in the cloud). The
 * conditional write itself lives in the function (./trunk-lease.ts documents it);
 * the edge never touches the store.
 */
import type { Invoker } from '../invoker/invoker.js';
import type { TrunkLeaseStore } from './trunk-lease.js';

export class InvokerTrunkLeaseStore implements TrunkLeaseStore {
  constructor(private readonly invoker: Pick<Invoker, 'invoke'>) {}

  async acquire(trunkKey: string, edgeId: string, ttlMs: number): Promise<boolean> {
    const result = await this.invoker.invoke('trunk-lease', { type: 'trunk-lease', op: 'acquire', trunkKey, edgeId, ttlMs });
    // Anything but an explicit grant counts as "not ours": two edges registering one account is the failure to avoid.
    return result?.held === true;
  }

  async release(trunkKey: string, edgeId: string): Promise<void> {
    await this.invoker.invoke('trunk-lease', { type: 'trunk-lease', op: 'release', trunkKey, edgeId });
  }
}
