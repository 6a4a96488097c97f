/**
 * Concurrent calls on a trunk (MSS per-trunk limits), counted with
 * single-item conditional updates: no read-modify-write loop, no
 * TransactWriteItems (the embedded emulator has none), so N edges taking
 * slots at once stay exact — DynamoDB applies each UpdateItem atomically.
 *
 * | Item              | pk                | sk                  | gsi1pk   | gsi1sk          | attributes |
 * |-------------------|-------------------|---------------------|----------|-----------------|------------|
 * | trunk usage       | TENANT#<tenantId> | TRUNKUSE#<id>       |          |                 | tenantId, trunkId, inCount, outCount, totalCount, calls { <callRef>: { dir, edgeId, bootId, since } } |
 * | trunk usage index | TENANT#<tenantId> | TRUNKUSEINDEX#<id>  | TRUNKUSE | <tenantId>#<id> | tenantId, trunkId |
 *
 * - Each call holds a lease in `calls`, keyed by its callRef
 *   (contracts/call-ref.ts), never by its Call-ID: a second INVITE that
 *   reuses a Call-ID is a call of its own and needs a slot of its own
 *   (issue 12). Taking twice for the same call (a retried invoke) is a
 *   no-op, and a release removes exactly what was taken (the condition on
 *   the lease makes a second release harmless). Leases stored by an earlier
 *   version are keyed by Call-ID, which is what their release names.
 * - `totalCount` exists because a ConditionExpression cannot add two
 *   attributes: maxTotalCalls is checked against its own counter.
 * - gsi1 (TRUNKUSE) lists every trunk with a usage item for the reaper
 *   without a Scan, through a small index item written once with the usage
 *   item. The usage item itself is not on gsi1: every take and release
 *   rewrites it, and with the index's projection (ALL) each write rewrote
 *   its copy in the index too, `calls` and all: two item writes per take or
 *   release instead of one (docs/benchmarks.md). Usage items of an
 *   earlier version still on gsi1 are moved off by the reaper's next pass.
 * - Leases are held by the edge (and boot) carrying the call; when it dies,
 *   reclaimDeadLeases (run by the reaper) gives them back. Bound: heartbeat
 *   TTL + reaper period (reaper.ts) after the edge's last heartbeat.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EdgeIdentity } from '../../../contracts/function-events.js';
import { consistentBatchGet, itemKeyId, MAX_BATCH_GET_KEYS } from '../store/batch-get.js';
import type { ItemKey } from '../store/keys.js';
import { queryAll } from '../../../contracts/store/query-all.js';

export type TrunkDirection = 'in' | 'out';

export interface TrunkRef {
  tenantId: string;
  trunkId: string;
}

export interface TrunkLease {
  dir: TrunkDirection;
  edgeId: string;
  bootId: string;
  /** Epoch ms the slot was taken. */
  since: number;
}

/** Limits for one take; undefined = no condition on that counter. 0 is refused before any write. */
export interface TrunkTakeLimits {
  /** Calls at once in the taken direction. */
  max?: number;
  /** Calls at once in both directions. */
  maxTotal?: number;
}

export type TrunkTakeResult =
  /** `alreadyHeld`: this call held the slot already (nothing changed). */
  | { ok: true; alreadyHeld: boolean }
  /** 'direction' / 'total': that limit is reached; 'call-id-in-use': the call holds a slot in the other direction. */
  | { ok: false; refusedBy: 'direction' | 'total' | 'call-id-in-use' };

/** A slot to give back: the call and the direction it was taken in. */
export interface TrunkLeaseRef {
  callRef: string;
  dir: TrunkDirection;
}

export interface TrunkUsage {
  in: number;
  out: number;
  total: number;
}

/** Whether the edge (boot) holding a lease still carries its call (calls/edge-liveness.ts EdgeLiveness fits). */
export interface LeaseHolderLiveness {
  isAlive(edgeId: string, bootId?: string): boolean;
}

export interface TrunkUsageStore {
  /** `callRef`: the call's key (contracts/call-ref.ts). */
  take(ref: TrunkRef, direction: TrunkDirection, callRef: string, edge: EdgeIdentity, limits: TrunkTakeLimits, now: number): Promise<TrunkTakeResult>;
  /** `direction`: the one the slot was taken in (one write); absent = read the lease first. */
  release(ref: TrunkRef, callRef: string, direction?: TrunkDirection): Promise<boolean>;
  /** Several calls' slots on one trunk, each with the direction it was taken in; returns how many were held. */
  releaseMany(ref: TrunkRef, leases: readonly TrunkLeaseRef[]): Promise<number>;
  usage(ref: TrunkRef): Promise<TrunkUsage>;
  reclaimDeadLeases(now: number, liveness: LeaseHolderLiveness): Promise<number>;
  /** The leases of this edge (and boot) taken before `takenBefore` whose calls it no longer carries (slot-audit.ts). */
  releaseUnheld(edge: EdgeIdentity, held: ReadonlySet<string>, takenBefore: number): Promise<number>;
}

export const trunkUsageKey = (tenantId: string, trunkId: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: `TRUNKUSE#${trunkId}` });
/** The usage item's entry on gsi1 (the usage item itself is not on it). */
export const trunkUsageIndexKey = (tenantId: string, trunkId: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: `TRUNKUSEINDEX#${trunkId}` });
export const TRUNK_USAGE_PARTITION = 'TRUNKUSE';

const COUNT_ATTRIBUTE: Record<TrunkDirection, string> = { in: 'inCount', out: 'outCount' };

/**
 * Leases releaseMany removes with one UpdateItem: each costs about 40
 * characters of the expressions, far below DynamoDB's 4 KB per expression,
 * and the release batches of the edge are at most 50 calls.
 */
export const RELEASE_MANY_MAX = 25;

/** A refused take re-checks the counters; a count that fell meanwhile gets this many more tries. */
export const MAX_TAKE_ATTEMPTS = 5;

/** Every attempt raced with releases (practically never); the caller answers 500 + Retry-After. */
export class TrunkUsageConflictError extends Error {
  override name = 'TrunkUsageConflictError';
}

const errorName = (err: unknown): string | undefined => (err instanceof Error ? err.name : undefined);
const isConditionalCheckFailed = (err: unknown): boolean => errorName(err) === 'ConditionalCheckFailedException';
/** SET calls.#cid on an item without `calls` (missing item): the document path does not exist. */
const isMissingPath = (err: unknown): boolean => errorName(err) === 'ValidationException';

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function leasesOf(item: Record<string, unknown> | undefined): Record<string, TrunkLease> {
  const calls = item?.calls;
  return calls && typeof calls === 'object' ? (calls as Record<string, TrunkLease>) : {};
}

export class TrunkUsageRepository implements TrunkUsageStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Takes a slot for the call with ONE conditional UpdateItem:
   * `ADD <dir>Count :one, totalCount :one SET calls.#cid = :lease` if the call
   * holds no lease yet and the counters are below their limits.
   */
  async take(ref: TrunkRef, direction: TrunkDirection, callRef: string, edge: EdgeIdentity, limits: TrunkTakeLimits, now: number): Promise<TrunkTakeResult> {
    // MSS: 0 = that direction (or the trunk) is disabled; nothing to write.
    if (limits.max === 0) return { ok: false, refusedBy: 'direction' };
    if (limits.maxTotal === 0) return { ok: false, refusedBy: 'total' };
    const count = COUNT_ATTRIBUTE[direction];
    const conditions = ['attribute_not_exists(calls.#cid)'];
    const values: Record<string, unknown> = {
      ':one': 1,
      ':lease': { dir: direction, edgeId: edge.id, bootId: edge.bootId, since: now } satisfies TrunkLease,
    };
    if (limits.max !== undefined) {
      conditions.push('(#count < :max OR attribute_not_exists(#count))');
      values[':max'] = limits.max;
    }
    if (limits.maxTotal !== undefined) {
      conditions.push('(totalCount < :maxTotal OR attribute_not_exists(totalCount))');
      values[':maxTotal'] = limits.maxTotal;
    }
    // A fresh command per attempt: SDK commands carry per-send middleware state.
    const update = () => new UpdateCommand({
      TableName: this.tableName,
      Key: trunkUsageKey(ref.tenantId, ref.trunkId),
      UpdateExpression: 'ADD #count :one, totalCount :one SET calls.#cid = :lease',
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: { '#count': count, '#cid': callRef },
      ExpressionAttributeValues: values,
    });

    // The write first: the item exists for every trunk that took a slot once, so
    // only a trunk's first call (or one after an admin deleted the item) creates it.
    let created = false;
    for (let attempt = 1; attempt <= MAX_TAKE_ATTEMPTS; attempt++) {
      try {
        await this.doc.send(update());
        return { ok: true, alreadyHeld: false };
      } catch (err) {
        if (isMissingPath(err) && !created) {
          // No item (or no `calls` map) yet: the nested SET needs it.
          await this.createItem(ref);
          created = true;
          continue;
        }
        if (!isConditionalCheckFailed(err)) throw err;
      }
      // Refused: say why, from the item as it is now.
      const item = await this.getItem(ref);
      const held = leasesOf(item)[callRef];
      if (held) return held.dir === direction ? { ok: true, alreadyHeld: true } : { ok: false, refusedBy: 'call-id-in-use' };
      if (limits.max !== undefined && num(item?.[count]) >= limits.max) return { ok: false, refusedBy: 'direction' };
      if (limits.maxTotal !== undefined && num(item?.totalCount) >= limits.maxTotal) return { ok: false, refusedBy: 'total' };
      // A release got in between the update and the read: try again.
    }
    throw new TrunkUsageConflictError(`trunk ${ref.tenantId}/${ref.trunkId}: slot for ${direction} call not decided after ${MAX_TAKE_ATTEMPTS} attempts`);
  }

  /**
   * Gives the call's slot back: `REMOVE calls.#cid ADD <dir>Count :minus`
   * if the lease is still there. false = nothing held (released before:
   * harmless, so every end of a call may release). With the direction the
   * slot was taken in (TrunkSlot.direction) that is the only request; a
   * refused write reads the lease once, in case it was taken in the other
   * direction, and so does a release without it.
   */
  async release(ref: TrunkRef, callRef: string, direction?: TrunkDirection): Promise<boolean> {
    if (direction && (await this.removeLease(ref, callRef, { dir: direction }, false))) return true;
    const lease = leasesOf(await this.getItem(ref))[callRef];
    if (!lease || lease.dir === direction) return false;
    return this.removeLease(ref, callRef, lease, false);
  }

  /**
   * The slots of calls that ended together, given back with ONE conditional
   * UpdateItem per RELEASE_MANY_MAX of them: `REMOVE calls.#c0, calls.#c1 …
   * ADD inCount :-i, outCount :-o, totalCount :-n` if every lease is still
   * there in its direction. Every take and release of a trunk writes its one
   * usage item, so under load the item's writes are what a trunk's call
   * rate is bounded by (one at a time: DynamoDB per item, the emulator per
   * key); a batch of ends costs one write instead of one each. If any lease
   * is gone already (a retried release, the reaper), the condition fails
   * and each is released on its own, exactly as release() would.
   */
  async releaseMany(ref: TrunkRef, leases: readonly TrunkLeaseRef[]): Promise<number> {
    const unique = [...new Map(leases.map((l) => [l.callRef, l])).values()];
    let released = 0;
    for (let i = 0; i < unique.length; i += RELEASE_MANY_MAX) {
      const chunk = unique.slice(i, i + RELEASE_MANY_MAX);
      if (chunk.length === 1) {
        if (await this.release(ref, chunk[0].callRef, chunk[0].dir)) released++;
        continue;
      }
      if (await this.removeLeases(ref, chunk)) {
        released += chunk.length;
        continue;
      }
      for (const lease of chunk) if (await this.release(ref, lease.callRef, lease.dir)) released++;
    }
    return released;
  }

  private async removeLeases(ref: TrunkRef, leases: readonly TrunkLeaseRef[]): Promise<boolean> {
    const names: Record<string, string> = { '#dir': 'dir' };
    const removes: string[] = [];
    const conditions: string[] = [];
    const counts: Record<TrunkDirection, number> = { in: 0, out: 0 };
    leases.forEach((lease, i) => {
      names[`#c${i}`] = lease.callRef;
      removes.push(`calls.#c${i}`);
      // A missing lease compares false: no attribute_exists needed.
      conditions.push(`calls.#c${i}.#dir = :${lease.dir}`);
      counts[lease.dir]++;
    });
    const values: Record<string, unknown> = { ':total': -leases.length };
    const adds = ['totalCount :total'];
    for (const dir of ['in', 'out'] as const) {
      if (counts[dir] === 0) continue;
      values[`:${dir}`] = dir;
      values[`:${dir}Count`] = -counts[dir];
      names[`#${dir}Count`] = COUNT_ATTRIBUTE[dir];
      adds.push(`#${dir}Count :${dir}Count`);
    }
    return this.conditionalUpdate(ref, `REMOVE ${removes.join(', ')} ADD ${adds.join(', ')}`, conditions, names, values);
  }

  /** One conditional UpdateItem on the trunk's usage item: false = the condition did not hold. */
  private async conditionalUpdate(ref: TrunkRef, update: string, conditions: string[], names: Record<string, string>, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: trunkUsageKey(ref.tenantId, ref.trunkId),
          UpdateExpression: update,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  async usage(ref: TrunkRef): Promise<TrunkUsage> {
    const item = await this.getItem(ref);
    return { in: num(item?.inCount), out: num(item?.outCount), total: num(item?.totalCount) };
  }

  /** The calls holding slots on the trunk, by callRef. */
  async leases(ref: TrunkRef): Promise<Record<string, TrunkLease>> {
    return leasesOf(await this.getItem(ref));
  }

  /**
   * Releases every lease whose edge is dead or restarted (as `liveness` saw
   * the edges at `now`). A lease taken at or after `now` is left alone: the
   * liveness view is older than it. Each release is conditional on the same
   * edge and boot still holding that lease. Returns how many were released.
   */
  async reclaimDeadLeases(now: number, liveness: LeaseHolderLiveness): Promise<number> {
    return this.releaseWhere((lease) => lease.since < now && !liveness.isAlive(lease.edgeId, lease.bootId));
  }

  /**
   * Releases the leases a live edge holds for calls it does not carry (it
   * sent the callRefs it does: `held`): slots an end did not give back, for
   * whatever reason, come back while the edge lives instead of when it
   * restarts. Only leases taken before `takenBefore` are looked at: a take
   * whose call the edge has not seen yet (authorize-call still answering)
   * is not one. Each release is conditional on the same edge and boot still
   * holding that lease. Returns how many were released.
   */
  async releaseUnheld(edge: EdgeIdentity, held: ReadonlySet<string>, takenBefore: number): Promise<number> {
    return this.releaseWhere(
      (lease, callRef) => lease.edgeId === edge.id && lease.bootId === edge.bootId && lease.since < takenBefore && !held.has(callRef),
    );
  }

  /**
   * Every usage item (found through gsi1, no Scan; read strongly
   * consistent), every lease `stale` picks given back with its holder as the
   * condition.
   */
  private async releaseWhere(stale: (lease: TrunkLease, callRef: string) => boolean): Promise<number> {
    let released = 0;
    for (const { ref, item } of await this.usageItems()) {
      for (const [callRef, lease] of Object.entries(leasesOf(item))) {
        if (!stale(lease, callRef)) continue;
        if (await this.removeLease(ref, callRef, lease, true)) released++;
      }
    }
    return released;
  }

  /** The usage item of every trunk gsi1 lists; usage items of an earlier version still on gsi1 get their index item and leave it. */
  private async usageItems(): Promise<{ ref: TrunkRef; item: Record<string, unknown> }[]> {
    const entries = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': TRUNK_USAGE_PARTITION },
    });
    const refs = new Map<string, TrunkRef>();
    for (const entry of entries) {
      if (typeof entry.tenantId !== 'string' || typeof entry.trunkId !== 'string') continue;
      const ref = { tenantId: entry.tenantId, trunkId: entry.trunkId };
      refs.set(`${ref.tenantId}#${ref.trunkId}`, ref);
      if (typeof entry.sk === 'string' && entry.sk.startsWith('TRUNKUSE#')) await this.moveOffIndex(ref);
    }
    const found: { ref: TrunkRef; item: Record<string, unknown> }[] = [];
    const all = [...refs.values()];
    for (let i = 0; i < all.length; i += MAX_BATCH_GET_KEYS) {
      const chunk = all.slice(i, i + MAX_BATCH_GET_KEYS);
      const { items, unprocessed } = await consistentBatchGet(this.doc, this.tableName, chunk.map((r) => trunkUsageKey(r.tenantId, r.trunkId)));
      for (const ref of chunk) {
        const id = itemKeyId(trunkUsageKey(ref.tenantId, ref.trunkId));
        // Keys the store left unprocessed (throttling) are read one by one.
        const item = unprocessed.has(id) ? await this.getItem(ref) : items.get(id);
        if (item) found.push({ ref, item });
      }
    }
    return found;
  }

  /** A usage item written by an earlier version (on gsi1 itself): its index item first, so gsi1 never loses the trunk, then off the index. */
  private async moveOffIndex(ref: TrunkRef): Promise<void> {
    await this.createIndexItem(ref);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: trunkUsageKey(ref.tenantId, ref.trunkId),
          UpdateExpression: 'REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }

  private async removeLease(ref: TrunkRef, callRef: string, lease: Pick<TrunkLease, 'dir'> & Partial<TrunkLease>, sameHolder: boolean): Promise<boolean> {
    const conditions = ['attribute_exists(calls.#cid)', 'calls.#cid.#dir = :dir'];
    const names: Record<string, string> = { '#cid': callRef, '#dir': 'dir', '#count': COUNT_ATTRIBUTE[lease.dir] };
    const values: Record<string, unknown> = { ':minus': -1, ':dir': lease.dir };
    if (sameHolder) {
      conditions.push('calls.#cid.#edge = :edge', 'calls.#cid.#boot = :boot');
      Object.assign(names, { '#edge': 'edgeId', '#boot': 'bootId' });
      Object.assign(values, { ':edge': lease.edgeId, ':boot': lease.bootId });
    }
    return this.conditionalUpdate(ref, 'REMOVE calls.#cid ADD #count :minus, totalCount :minus', conditions, names, values);
  }

  private async getItem(ref: TrunkRef): Promise<Record<string, unknown> | undefined> {
    // Strongly consistent: a refusal must be explained by the latest counters.
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: trunkUsageKey(ref.tenantId, ref.trunkId), ConsistentRead: true }));
    return res.Item;
  }

  /**
   * Creates the usage item with an empty `calls` map (the nested SET needs
   * it), after its gsi1 index item so the reaper finds every lease; losing
   * either race to another writer is fine.
   */
  private async createItem(ref: TrunkRef): Promise<void> {
    await this.createIndexItem(ref);
    await this.putIfAbsent({
      ...trunkUsageKey(ref.tenantId, ref.trunkId),
      tenantId: ref.tenantId,
      trunkId: ref.trunkId,
      inCount: 0,
      outCount: 0,
      totalCount: 0,
      calls: {},
    });
  }

  private createIndexItem(ref: TrunkRef): Promise<void> {
    return this.putIfAbsent({
      ...trunkUsageIndexKey(ref.tenantId, ref.trunkId),
      gsi1pk: TRUNK_USAGE_PARTITION,
      gsi1sk: `${ref.tenantId}#${ref.trunkId}`,
      tenantId: ref.tenantId,
      trunkId: ref.trunkId,
    });
  }

  private async putIfAbsent(item: Record<string, unknown>): Promise<void> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }
}
