/**
 * Concurrent-call slots of a user: ONE item per user so that a conditional
 * write on its `version` keeps the call limits exact without locks — the
 * same optimistic concurrency as the bindings (optimistic-update.ts), and no
 * TransactWriteItems (the embedded emulator has none).
 *
 * | Item       | pk                | sk          | attributes |
 * |------------|-------------------|-------------|------------|
 * | call slots | TENANT#<tenantId> | CALLS#<ext> | calls [{ callId, callRef, direction, edgeId, bootId, since }], version |
 *
 * No TTL: entries are leases of their edge and are pruned by the rules in
 * calls/call-slot-rules.ts, not by time.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { putIfVersion } from '../store/versioned-put.js';
import type { CallSlotEntry } from './call-slot-rules.js';
import type { ItemKey } from '../store/keys.js';
import { conflictBackoff } from '../store/conflict-backoff.js';

export interface SlotOwner {
  tenantId: string;
  ext: string;
}

export const callSlotsKey = (tenantId: string, ext: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: `CALLS#${ext}` });

export interface CallSlotSet {
  calls: CallSlotEntry[];
  /** Version to pass back to saveSlots; 0 = no item yet. */
  version: number;
}

export interface CallSlotStore {
  loadSlots(owner: SlotOwner): Promise<CallSlotSet>;
  /** Writes iff the stored version is still `expectedVersion`; false on a concurrent update. */
  saveSlots(owner: SlotOwner, calls: CallSlotEntry[], expectedVersion: number): Promise<boolean>;
}

/**
 * Enough attempts for a burst of simultaneous calls to one user: every round
 * one writer wins, so N racing writers finish within N rounds.
 */
export const MAX_SLOT_UPDATE_ATTEMPTS = 10;

/** Every attempt lost the race; the request fails with 500 + Retry-After like a REGISTER would. */
export class CallSlotConflictError extends Error {
  override name = 'CallSlotConflictError';
}

export interface SlotDecision<T> {
  /** New entries to store, or undefined to leave the item unchanged. */
  save?: CallSlotEntry[];
  result: T;
}

/** Read-modify-write of a user's slots; `decide` is re-run on fresh data after a lost race. */
export async function updateCallSlots<T>(
  store: CallSlotStore,
  owner: SlotOwner,
  decide: (current: CallSlotEntry[]) => SlotDecision<T> | Promise<SlotDecision<T>>,
): Promise<T> {
  for (let attempt = 1; attempt <= MAX_SLOT_UPDATE_ATTEMPTS; attempt++) {
    const { calls, version } = await store.loadSlots(owner);
    const decision = await decide(calls);
    if (decision.save === undefined) return decision.result;
    if (await store.saveSlots(owner, decision.save, version)) return decision.result;
    if (attempt < MAX_SLOT_UPDATE_ATTEMPTS) await conflictBackoff(attempt);
  }
  throw new CallSlotConflictError(`call slots of ${owner.tenantId}/${owner.ext} changed concurrently ${MAX_SLOT_UPDATE_ATTEMPTS} times in a row`);
}


export class CallSlotRepository implements CallSlotStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async loadSlots(owner: SlotOwner): Promise<CallSlotSet> {
    // Strongly consistent: the version read must be the latest or every write conflicts.
    const res = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: callSlotsKey(owner.tenantId, owner.ext), ConsistentRead: true }),
    );
    const item = res.Item;
    if (!item) return { calls: [], version: 0 };
    return {
      calls: Array.isArray(item.calls) ? (item.calls as CallSlotEntry[]) : [],
      version: typeof item.version === 'number' ? item.version : 0,
    };
  }

  async saveSlots(owner: SlotOwner, calls: CallSlotEntry[], expectedVersion: number): Promise<boolean> {
    // An empty list is kept rather than deleted so the version keeps increasing.
    return putIfVersion(this.doc, this.tableName, { ...callSlotsKey(owner.tenantId, owner.ext), calls }, expectedVersion);
  }
}
