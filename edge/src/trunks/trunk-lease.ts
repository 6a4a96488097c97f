/**
 * Exactly one edge keeps a given trunk registered at a time: the edge holding
 * the trunk's lease. Two edges registering the same account would fight over
 * the carrier's binding (and with gVarSipRegSameDialog=1, over the CSeq).
 *
 * The edge never imports the AWS SDK; the store side is a function reached
 * through the invoker. What that function must do, as ONE conditional write
 * (DynamoDB Local and the embedded emulator both support it; no transactions):
 *
 *   PutItem { pk: "TRUNKLEASE#<tenantId>#<trunkId>", edgeId: :me, expiresAt: :now + ttl }
 *   ConditionExpression: attribute_not_exists(pk) OR expiresAt < :now OR edgeId = :me
 *
 * acquire = that put (true on success, false on ConditionalCheckFailed); it
 * also renews a lease already held. release = DeleteItem with the condition
 * edgeId = :me. Expiry is always compared on write, TTL is clean-up only.
 */
export interface TrunkLeaseStore {
  /** Takes or renews the lease; false when another edge holds an unexpired one. */
  acquire(trunkKey: string, edgeId: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up early (clean shutdown) so another edge can take over at once. */
  release(trunkKey: string, edgeId: string): Promise<void>;
}

export function trunkLeaseKey(trunk: { tenantId: string; id: string }): string {
  return `${trunk.tenantId}#${trunk.id}`;
}

/** The same conditional semantics in memory, for tests and a single-process stack. */
export class InMemoryTrunkLeaseStore implements TrunkLeaseStore {
  private readonly leases = new Map<string, { edgeId: string; expiresAt: number }>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  async acquire(trunkKey: string, edgeId: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const lease = this.leases.get(trunkKey);
    if (lease && lease.edgeId !== edgeId && lease.expiresAt >= now) return false;
    this.leases.set(trunkKey, { edgeId, expiresAt: now + ttlMs });
    return true;
  }

  async release(trunkKey: string, edgeId: string): Promise<void> {
    if (this.leases.get(trunkKey)?.edgeId === edgeId) this.leases.delete(trunkKey);
  }

  holder(trunkKey: string): string | undefined {
    const lease = this.leases.get(trunkKey);
    return lease && lease.expiresAt >= this.now() ? lease.edgeId : undefined;
  }
}
