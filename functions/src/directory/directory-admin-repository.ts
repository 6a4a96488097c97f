/**
 * The admin API's writes to the directory: conditional, so that two admins
 * (or an admin and a seed) never overwrite each other silently.
 *
 * - a tenant or a user is created only if it does not exist (409 otherwise)
 *   and replaced only while it exists (a concurrent DELETE wins: 404);
 * - a domain is claimed only if unclaimed or already this tenant's, and
 *   released only by its owner: a domain belongs to one tenant, race-free,
 *   with single-item conditions (no TransactWriteItems: the embedded
 *   emulator has none);
 * - deleting a user deletes its bindings item too, so its devices are gone
 *   at once (the next INVITE to it gets 404).
 *
 * Item layout: store/keys.ts; items are built by directory-repository.ts.
 */
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { bindingsKey, domainKey, normalizeDomain, tenantKey, userKey, type ItemKey } from '../store/keys.js';
import { decodeCursor, encodeCursor } from '../store/page-cursor.js';
import { queryAll } from '../../../contracts/store/query-all.js';
import { TENANT_INDEX_PARTITION, tenantFromItem, tenantItem, userFromItem, userItem } from './directory-repository.js';
import type { Tenant } from './tenant.js';
import type { UserAccount } from './user-account.js';

export type DomainClaim = { ok: true } | { ok: false; owner: string };

export interface UserPage {
  users: UserAccount[];
  /** Opaque; absent on the last page. */
  cursor?: string;
}

const isConditionalCheckFailed = (err: unknown): boolean => err instanceof Error && err.name === 'ConditionalCheckFailedException';

/** BatchWriteItem takes at most 25 requests. */
const BATCH_SIZE = 25;
const MAX_BATCH_ATTEMPTS = 8;

export class DirectoryAdminRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** False when the tenant exists already. */
  async createTenant(tenant: Tenant): Promise<boolean> {
    return this.conditionalPut(tenantItem(tenant), 'attribute_not_exists(pk)');
  }

  /** False when the tenant no longer exists. */
  async replaceTenant(tenant: Tenant): Promise<boolean> {
    return this.conditionalPut(tenantItem(tenant), 'attribute_exists(pk)');
  }

  async listTenants(): Promise<Tenant[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': TENANT_INDEX_PARTITION },
    });
    return items.map(tenantFromItem);
  }

  async domainOwner(domain: string): Promise<string | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: domainKey(domain), ConsistentRead: true }));
    return typeof res.Item?.tenantId === 'string' ? res.Item.tenantId : undefined;
  }

  /** Points the domain at the tenant unless another tenant holds it. */
  async claimDomain(domain: string, tenantId: string): Promise<DomainClaim> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...domainKey(domain), tenantId },
          ConditionExpression: 'attribute_not_exists(pk) OR tenantId = :me',
          ExpressionAttributeValues: { ':me': tenantId },
        }),
      );
      return { ok: true };
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      return { ok: false, owner: (await this.domainOwner(domain)) ?? '(unknown)' };
    }
  }

  /** Removes the domain's index item if the tenant still holds it. */
  async releaseDomain(domain: string, tenantId: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: domainKey(normalizeDomain(domain)),
          ConditionExpression: 'tenantId = :me',
          ExpressionAttributeValues: { ':me': tenantId },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }

  /**
   * Every item of the tenant's partition (META, users, bindings, trunks,
   * settings, tokens, CDRs, reports, counters) and its rollup marker. The
   * caller releases the domains first, so no REGISTER resolves to a
   * half-deleted tenant. Returns how many items were deleted.
   */
  async deleteTenantItems(tenantId: string): Promise<number> {
    // META last: if this stops half-way, the tenant still exists and a retried DELETE finishes the job.
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': tenantKey(tenantId).pk },
      ProjectionExpression: 'pk, sk',
    });
    const keys = items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) })).filter((k) => k.sk !== 'META');
    keys.push({ pk: 'ROLLUP', sk: `TENANT#${tenantId}` });
    await this.deleteKeys(keys);
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: tenantKey(tenantId) }));
    return keys.length + 1;
  }

  /** False when the extension exists already. */
  async createUser(user: UserAccount): Promise<boolean> {
    return this.conditionalPut(userItem(user), 'attribute_not_exists(pk)');
  }

  /** False when the user no longer exists. */
  async replaceUser(user: UserAccount): Promise<boolean> {
    return this.conditionalPut(userItem(user), 'attribute_exists(pk)');
  }

  /** Deletes the user and its bindings; returns the deleted user (undefined: there was none). */
  async deleteUser(tenantId: string, ext: string): Promise<UserAccount | undefined> {
    const res = await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: userKey(tenantId, ext), ReturnValues: 'ALL_OLD' }));
    // A REGISTER racing with this finds no user (403) before it could write bindings again.
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: bindingsKey(tenantId, ext) }));
    return res.Attributes ? userFromItem(tenantId, res.Attributes) : undefined;
  }

  /** One page of the tenant's users in extension order. */
  async listUsersPage(tenantId: string, limit: number, cursor?: string): Promise<UserPage> {
    const pk = tenantKey(tenantId).pk;
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :user)',
        ExpressionAttributeValues: { ':pk': pk, ':user': 'USER#' },
        Limit: limit,
        ...(cursor !== undefined ? { ExclusiveStartKey: decodeCursor(cursor, ['pk', 'sk'], { pk }) } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { users: (res.Items ?? []).map((item) => userFromItem(tenantId, item)), ...(next ? { cursor: next } : {}) };
  }

  async listUsers(tenantId: string): Promise<UserAccount[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :user)',
      ExpressionAttributeValues: { ':pk': tenantKey(tenantId).pk, ':user': 'USER#' },
    });
    return items.map((item) => userFromItem(tenantId, item));
  }

  private async conditionalPut(item: Record<string, unknown>, condition: string): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: condition }));
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  private async deleteKeys(keys: ItemKey[]): Promise<void> {
    for (let i = 0; i < keys.length; i += BATCH_SIZE) {
      let requests = keys.slice(i, i + BATCH_SIZE).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        if (attempt > MAX_BATCH_ATTEMPTS) throw new Error(`deleting items: ${requests.length} still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`);
        const res = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        // Throttled requests come back unprocessed: retry just those, after a growing pause.
        requests = (res.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
        if (requests.length > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      }
    }
  }
}
