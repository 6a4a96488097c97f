/**
 * The last known registration status of each external line, as the edge
 * registering it reported it on the bus ('trunk.status', consumed by the
 * trunk-status function) and as the admin API shows it.
 *
 * | Item         | pk                | sk                  | attributes |
 * |--------------|-------------------|---------------------|------------|
 * | trunk status | TENANT#<tenantId> | TRUNKSTATUS#<id>    | tenantId, trunkId, status, lastError?, since (ISO), edgeId, updatedAt (ISO) |
 *
 * EventBridge delivers at least once and in any order, so a put is ONE
 * conditional PutItem that only lands when it is not older than what is
 * stored (`since` compares as a string: ISO-8601 of fixed width). Equal
 * `since` is accepted, so a redelivered event is harmless.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from '../store/keys.js';
import { queryAll } from '../../../contracts/store/query-all.js';

export interface TrunkStatusRecord {
  tenantId: string;
  trunkId: string;
  status: 'online' | 'offline';
  lastError?: string;
  /** ISO-8601 time the line entered this status. */
  since: string;
  /** The edge that registers the line. */
  edgeId: string;
  /** ISO-8601 time the record was written. */
  updatedAt: string;
}

export const trunkStatusKey = (tenantId: string, trunkId: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: `TRUNKSTATUS#${trunkId}` });

export interface TrunkStatusStore {
  /** Stores the status unless a newer one is stored already; false = ignored as older. */
  putStatus(record: TrunkStatusRecord): Promise<boolean>;
  getStatus(tenantId: string, trunkId: string): Promise<TrunkStatusRecord | undefined>;
  /** Every stored line status of the tenant. */
  listStatuses(tenantId: string): Promise<TrunkStatusRecord[]>;
}

const isConditionalCheckFailed = (err: unknown): boolean => err instanceof Error && err.name === 'ConditionalCheckFailedException';

function toRecord(item: Record<string, unknown> | undefined): TrunkStatusRecord | undefined {
  if (!item || typeof item.tenantId !== 'string' || typeof item.trunkId !== 'string') return undefined;
  if ((item.status !== 'online' && item.status !== 'offline') || typeof item.since !== 'string') return undefined;
  return {
    tenantId: item.tenantId,
    trunkId: item.trunkId,
    status: item.status,
    ...(typeof item.lastError === 'string' ? { lastError: item.lastError } : {}),
    since: item.since,
    edgeId: typeof item.edgeId === 'string' ? item.edgeId : '',
    updatedAt: typeof item.updatedAt === 'string' ? item.updatedAt : '',
  };
}

export class TrunkStatusRepository implements TrunkStatusStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putStatus(record: TrunkStatusRecord): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          // A whole-item put: an 'online' status drops the lastError of the 'offline' before it.
          Item: { ...trunkStatusKey(record.tenantId, record.trunkId), ...record },
          ConditionExpression: 'attribute_not_exists(pk) OR #since <= :since',
          ExpressionAttributeNames: { '#since': 'since' },
          ExpressionAttributeValues: { ':since': record.since },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  async getStatus(tenantId: string, trunkId: string): Promise<TrunkStatusRecord | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: trunkStatusKey(tenantId, trunkId) }));
    return toRecord(res.Item);
  }

  async listStatuses(tenantId: string): Promise<TrunkStatusRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :status)',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':status': 'TRUNKSTATUS#' },
    });
    return items.flatMap((item) => toRecord(item) ?? []);
  }
}
