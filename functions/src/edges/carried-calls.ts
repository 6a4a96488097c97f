/**
 * What each edge said it carries, at its latest slot audit: the calls that
 * hold users' call slots (MSS call limits). A take that finds a user at the
 * limit reads these (calls/slot-holders.ts): an entry of a live edge whose
 * call that edge no longer named, well after the take, is a release that
 * never landed — an end lost on the way, a write the store lost — and is
 * given back, so a user is not kept at the limit for as long as the edge
 * lives (the reaper's bound for a dead one).
 *
 * | Item          | pk      | sk       | attributes |
 * |---------------|---------|----------|------------|
 * | carried calls | CARRIED | <edgeId> | edgeId, bootId, callRefs (list), at (epoch ms), graceMs, ttl |
 *
 * One partition, one item per edge: read only by a take refused at the
 * limit (one Query), written once per audit period per edge. TTL (epoch s)
 * removes an edge's record a day after its last audit; a dead edge's
 * entries are the reaper's anyway.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../../../contracts/store/query-all.js';
import { toTtlSeconds } from '../store/keys.js';

export interface CarriedCalls {
  edgeId: string;
  bootId: string;
  /** The calls (callRefs) holding call slots on that edge at `at`. */
  callRefs: ReadonlySet<string>;
  /** Epoch ms of the audit (the function's clock, like an entry's `since`). */
  at: number;
  /** An entry younger than this at `at` may belong to a call not yet at the edge: the record says nothing of it. */
  graceMs: number;
}

export interface CarriedCallsStore {
  /** false = the list does not fit one item (MAX_CARRIED_CALLS); the previous record stays. */
  record(carried: CarriedCalls): Promise<boolean>;
  list(): Promise<CarriedCalls[]>;
}

/** DynamoDB items stop at 400 kB; a callRef is under 50 bytes. An edge with more calls under limits keeps its last record. */
export const MAX_CARRIED_CALLS = 6_000;
const RETENTION_MS = 24 * 3_600_000;

function toCarriedCalls(item: Record<string, unknown>): CarriedCalls | undefined {
  const { edgeId, bootId, callRefs, at, graceMs } = item;
  if (typeof edgeId !== 'string' || typeof bootId !== 'string' || typeof at !== 'number' || typeof graceMs !== 'number' || !Array.isArray(callRefs)) return undefined;
  return { edgeId, bootId, at, graceMs, callRefs: new Set(callRefs.filter((c): c is string => typeof c === 'string')) };
}

export class CarriedCallsRepository implements CarriedCallsStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(carried: CarriedCalls): Promise<boolean> {
    if (carried.callRefs.size > MAX_CARRIED_CALLS) return false;
    const { edgeId, bootId, at, graceMs } = carried;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: 'CARRIED', sk: edgeId, edgeId, bootId, at, graceMs, callRefs: [...carried.callRefs], ttl: toTtlSeconds(at + RETENTION_MS) },
      }),
    );
    return true;
  }

  async list(): Promise<CarriedCalls[]> {
    // Strongly consistent, like the heartbeats it is read with: a release is decided on it.
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'CARRIED' },
      ConsistentRead: true,
    });
    return items.map(toCarriedCalls).filter((c): c is CarriedCalls => c !== undefined);
  }
}
