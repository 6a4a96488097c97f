/**
 * The admin API's trunk writes (layout: trunk-repository.ts): create only if
 * new, replace only while it exists (keeping its place in the failover
 * order), delete with its usage counters, line status and carrier-host entry.
 *
 * Edges pick registering trunks up at their next trunk-lines poll; INVITEs
 * read trunks from the store on every call, so routes, DIDs and limits
 * apply to the next call.
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Trunk } from '../../../contracts/trunk.js';
import { queryAll } from '../../../contracts/store/query-all.js';
import { carrierItem, carrierKey, trunkFromItem, trunkItem, trunkKey } from './trunk-repository.js';
import { trunkStatusKey } from './trunk-status-repository.js';
import { trunkUsageIndexKey, trunkUsageKey } from './trunk-usage-repository.js';

const isConditionalCheckFailed = (err: unknown): boolean => err instanceof Error && err.name === 'ConditionalCheckFailedException';

export class TrunkAdminRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Appends the trunk to the tenant's list (last in failover order); false when the id is taken. */
  async createTrunk(trunk: Trunk): Promise<boolean> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :trunk)',
      ExpressionAttributeValues: { ':pk': `TENANT#${trunk.tenantId}`, ':trunk': 'TRUNK#' },
      ProjectionExpression: '#order',
      ExpressionAttributeNames: { '#order': 'order' },
    });
    const order = Math.max(-1, ...items.map((i) => (typeof i.order === 'number' ? i.order : 0))) + 1;
    if (!(await this.put(trunkItem(trunk, order), 'attribute_not_exists(pk)'))) return false;
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: carrierItem(trunk) }));
    return true;
  }

  /** Replaces the trunk in its place; false when it no longer exists. */
  async replaceTrunk(trunk: Trunk): Promise<boolean> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: trunkKey(trunk.tenantId, trunk.id), ConsistentRead: true }));
    if (!res.Item) return false;
    const order = typeof res.Item.order === 'number' ? res.Item.order : 0;
    if (!(await this.put(trunkItem(trunk, order), 'attribute_exists(pk)'))) return false;
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: carrierItem(trunk) }));
    return true;
  }

  /** Deletes the trunk, its usage counters and its line status; returns the deleted trunk. */
  async deleteTrunk(tenantId: string, trunkId: string): Promise<Trunk | undefined> {
    const res = await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: trunkKey(tenantId, trunkId), ReturnValues: 'ALL_OLD' }));
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: trunkUsageKey(tenantId, trunkId) }));
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: trunkUsageIndexKey(tenantId, trunkId) }));
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: trunkStatusKey(tenantId, trunkId) }));
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: carrierKey(tenantId, trunkId) }));
    return trunkFromItem(res.Attributes);
  }

  private async put(item: Record<string, unknown>, condition: string): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: condition }));
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }
}
