/**
 * Which edge keeps a registering trunk registered: a lease item, taken and
 * renewed with ONE conditional PutItem (edge/src/trunks/trunk-lease.ts
 * documents the protocol the edges follow).
 *
 * | Item        | pk                      | sk    | attributes |
 * |-------------|-------------------------|-------|------------|
 * | trunk lease | TRUNKLEASE#<trunkKey>   | LEASE | edgeId, expiresAt (epoch ms), ttl (epoch s) |
 *
 * `trunkKey` is `<tenantId>#<trunkId>` (trunkLeaseKey on the edge). Expiry is
 * always decided by the condition on `expiresAt` at write time: DynamoDB TTL
 * deletes expired items only eventually, so `ttl` is clean-up, never truth.
 * No transactions (the embedded emulator has none), no read-modify-write.
 */
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toTtlSeconds, type ItemKey } from '../store/keys.js';

export const trunkLeaseItemKey = (trunkKey: string): ItemKey => ({ pk: `TRUNKLEASE#${trunkKey}`, sk: 'LEASE' });

export interface TrunkLeaseStore {
  /** Takes or renews the lease until `now + ttlMs`; false when another edge holds an unexpired one. */
  acquire(trunkKey: string, edgeId: string, ttlMs: number, now: number): Promise<boolean>;
  /** Gives the lease up if this edge holds it (else nothing happens). */
  release(trunkKey: string, edgeId: string): Promise<void>;
}

const isConditionalCheckFailed = (err: unknown): boolean => err instanceof Error && err.name === 'ConditionalCheckFailedException';

export class TrunkLeaseRepository implements TrunkLeaseStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async acquire(trunkKey: string, edgeId: string, ttlMs: number, now: number): Promise<boolean> {
    const expiresAt = now + ttlMs;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...trunkLeaseItemKey(trunkKey), edgeId, expiresAt, ttl: toTtlSeconds(expiresAt) },
          // Free, expired, or already ours (a renewal): one write decides, so two edges never both win.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR edgeId = :me',
          ExpressionAttributeValues: { ':now': now, ':me': edgeId },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  async release(trunkKey: string, edgeId: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: trunkLeaseItemKey(trunkKey),
          ConditionExpression: 'edgeId = :me',
          ExpressionAttributeValues: { ':me': edgeId },
        }),
      );
    } catch (err) {
      // Not ours (any more) or already gone: the other holder keeps it.
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }
}
