/**
 * Concurrent-call slots of a user: ONE item per user (its shape:
 * call-slot-item.ts), changed only by single conditional writes — DynamoDB
 * applies each atomically, so N edges taking slots at once stay exact
 * without locks and without TransactWriteItems (the embedded emulator has
 * none), and nothing is read before a write (issue 14):
 *
 * - take:    UpdateItem `SET #slot = :entry ADD callCount :1 [, outCount :1]`
 *            if the call holds no entry yet and the counters are below the
 *            limits;
 * - release: UpdateItem `REMOVE #slot ADD callCount :-1 [, outCount :-1]`
 *            if the entry is there (and, pruning a dead holder, still
 *            that holder's).
 *
 * Only a refused write reads the item, to say why (calls/call-slots.ts).
 * No TTL: entries are leases of their edge and are pruned by the rules in
 * calls/call-slot-rules.ts, not by time.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CallLimits, CallSlotEntry, CallSlotItem, SlotDirection } from './call-slot-rules.js';
import type { ItemKey } from '../store/keys.js';
import { CALL_COUNT, LEGACY_CALLS, LEGACY_VERSION, legacyMigration, OUT_COUNT, parseSlotItem, slotAttribute } from './call-slot-item.js';

export interface SlotOwner {
  tenantId: string;
  ext: string;
}

export const callSlotsKey = (tenantId: string, ext: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: `CALLS#${ext}` });

/** One held entry: the call (callRef) and direction, the attribute a release removes. */
export interface HeldSlot {
  callRef: string;
  direction: SlotDirection;
}

export interface CallSlotStore {
  /** One conditional write: false = refused (limit, already held, legacy item — load() tells). */
  take(owner: SlotOwner, entry: CallSlotEntry & { callRef: string }, limits: CallLimits): Promise<boolean>;
  /** One conditional write: false = not held (released before), or held by another edge/boot than `holder`. */
  remove(owner: SlotOwner, slot: HeldSlot, holder?: Pick<CallSlotEntry, 'edgeId' | 'bootId'>): Promise<boolean>;
  /** The item, strongly consistent (read only after a refused write, or for a release that does not know the direction). */
  load(owner: SlotOwner): Promise<CallSlotItem>;
  /** Rewrites an item an earlier version wrote (call-slot-item.ts), without `drop`'s entries; false = it changed meanwhile. */
  migrateLegacy(owner: SlotOwner, legacy: NonNullable<CallSlotItem['legacy']>, drop?: string): Promise<boolean>;
}

const isConditionalCheckFailed = (err: unknown): boolean => err instanceof Error && err.name === 'ConditionalCheckFailedException';

/** The write's outcome: true = applied, false = its condition failed. */
async function conditional(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if (isConditionalCheckFailed(err)) return false;
    throw err;
  }
}

/** An entry counts in callCount, and an outgoing one in outCount too. */
const addCounters = (direction: SlotDirection, value: string): string => (direction === 'out' ? `#calls ${value}, #out ${value}` : `#calls ${value}`);

/** The counter placeholders a take or release in this direction uses (DynamoDB refuses unused ones). */
const counterNames = (direction: SlotDirection): Record<string, string> =>
  direction === 'out' ? { '#calls': CALL_COUNT, '#out': OUT_COUNT } : { '#calls': CALL_COUNT };

export class CallSlotRepository implements CallSlotStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async take(owner: SlotOwner, entry: CallSlotEntry & { callRef: string }, limits: CallLimits): Promise<boolean> {
    // Absent counters are 0 (a user's first call creates the item).
    const conditions = ['attribute_not_exists(#slot)', 'attribute_not_exists(#legacy)'];
    const values: Record<string, unknown> = { ':entry': entry, ':one': 1 };
    if (limits.maxCalls !== undefined) {
      conditions.push('(attribute_not_exists(#calls) OR #calls < :maxCalls)');
      values[':maxCalls'] = limits.maxCalls;
    }
    if (entry.direction === 'out' && limits.maxOutgoingCalls !== undefined) {
      conditions.push('(attribute_not_exists(#out) OR #out < :maxOut)');
      values[':maxOut'] = limits.maxOutgoingCalls;
    }
    return conditional(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: callSlotsKey(owner.tenantId, owner.ext),
          UpdateExpression: `SET #slot = :entry ADD ${addCounters(entry.direction, ':one')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: { '#slot': slotAttribute(entry.direction, entry.callRef), '#legacy': LEGACY_CALLS, ...counterNames(entry.direction) },
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async remove(owner: SlotOwner, slot: HeldSlot, holder?: Pick<CallSlotEntry, 'edgeId' | 'bootId'>): Promise<boolean> {
    const conditions = ['attribute_exists(#slot)'];
    const names: Record<string, string> = { '#slot': slotAttribute(slot.direction, slot.callRef) };
    const values: Record<string, unknown> = { ':minus': -1 };
    if (holder) {
      conditions.push('#slot.#edge = :edge', '#slot.#boot = :boot');
      Object.assign(names, { '#edge': 'edgeId', '#boot': 'bootId' });
      Object.assign(values, { ':edge': holder.edgeId, ':boot': holder.bootId });
    }
    return conditional(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: callSlotsKey(owner.tenantId, owner.ext),
          UpdateExpression: `REMOVE #slot ADD ${addCounters(slot.direction, ':minus')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: { ...names, ...counterNames(slot.direction) },
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async load(owner: SlotOwner): Promise<CallSlotItem> {
    // Strongly consistent: a refusal must be explained by the latest counters.
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: callSlotsKey(owner.tenantId, owner.ext), ConsistentRead: true }));
    return parseSlotItem(res.Item);
  }

  async migrateLegacy(owner: SlotOwner, legacy: NonNullable<CallSlotItem['legacy']>, drop?: string): Promise<boolean> {
    const { attributes, counts } = legacyMigration(legacy.calls, drop);
    // A whole-item Put (no expression to outgrow), guarded like the earlier version's own writes: on its version.
    // It drops no entry of this version: every take is conditioned on the list being gone.
    const guard: Pick<PutCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> =
      legacy.version === 0
        ? { ConditionExpression: 'attribute_exists(#legacy) AND attribute_not_exists(#version)', ExpressionAttributeNames: { '#legacy': LEGACY_CALLS, '#version': LEGACY_VERSION } }
        : { ConditionExpression: '#version = :version', ExpressionAttributeNames: { '#version': LEGACY_VERSION }, ExpressionAttributeValues: { ':version': legacy.version } };
    return conditional(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...callSlotsKey(owner.tenantId, owner.ext), ...attributes, [CALL_COUNT]: counts.calls, [OUT_COUNT]: counts.out },
          ...guard,
        }),
      ),
    );
  }
}
