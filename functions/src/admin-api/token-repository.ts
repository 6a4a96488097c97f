/**
 * Tenant API tokens: named, shown once, stored only as a SHA-256 hash,
 * revocable. A token reaches exactly one tenant.
 *
 * | Item         | pk                   | sk            | attributes |
 * |--------------|----------------------|---------------|------------|
 * | token        | TENANT#<tenantId>    | TOKEN#<name>  | id, name, tenantId, createdAt, createdBy, hash |
 * | token lookup | APITOKEN#<sha256 hex> | TOKEN        | tenantId, id, name |
 *
 * Why a plain SHA-256 and no salt or slow hash: the token is 256 random
 * bits, not a human password, so nothing can be guessed or looked up in a
 * table; a fast hash keeps the per-request check to one GetItem. The name is
 * the sort key so that "one name per tenant" is a conditional put. The
 * lookup item is written after the token item and deleted before it, so a
 * token never works without being listed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from '../store/keys.js';
import { queryAll } from '../../../contracts/store/query-all.js';

export interface ApiToken {
  id: string;
  name: string;
  tenantId: string;
  /** ISO-8601. */
  createdAt: string;
  /** Who created it (the audit actor). */
  createdBy: string;
}

/** What a request's Bearer token resolves to. */
export interface TokenIdentity {
  tenantId: string;
  id: string;
  name: string;
}

export interface TokenLookup {
  findByToken(token: string): Promise<TokenIdentity | undefined>;
}

/** The secret's prefix makes a leaked token recognizable to secret scanners and people. */
export const TOKEN_PREFIX = 'nimbus_';

const tokenKey = (tenantId: string, name: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: `TOKEN#${name}` });
const lookupKey = (hash: string): ItemKey => ({ pk: `APITOKEN#${hash}`, sk: 'TOKEN' });

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

const isConditionalCheckFailed = (err: unknown): boolean => err instanceof Error && err.name === 'ConditionalCheckFailedException';

function toToken(item: Record<string, unknown>): ApiToken | undefined {
  if (typeof item.id !== 'string' || typeof item.name !== 'string' || typeof item.tenantId !== 'string') return undefined;
  return {
    id: item.id,
    name: item.name,
    tenantId: item.tenantId,
    createdAt: typeof item.createdAt === 'string' ? item.createdAt : '',
    createdBy: typeof item.createdBy === 'string' ? item.createdBy : '',
  };
}

export class TokenRepository implements TokenLookup {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly random: (bytes: number) => Buffer = randomBytes,
  ) {}

  /** A new token; the secret is in the result only. undefined when the tenant has a token of that name. */
  async create(tenantId: string, name: string, createdBy: string, now: number): Promise<{ token: ApiToken; secret: string } | undefined> {
    const secret = `${TOKEN_PREFIX}${this.random(32).toString('base64url')}`;
    const hash = hashToken(secret);
    const token: ApiToken = { id: `tok_${this.random(8).toString('hex')}`, name, tenantId, createdAt: new Date(now).toISOString(), createdBy };
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.tableName, Item: { ...tokenKey(tenantId, name), ...token, hash }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) return undefined;
      throw err;
    }
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...lookupKey(hash), tenantId, id: token.id, name } }));
    return { token, secret };
  }

  async list(tenantId: string): Promise<ApiToken[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :token)',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':token': 'TOKEN#' },
      ConsistentRead: true,
    });
    return items.flatMap((item) => toToken(item) ?? []);
  }

  /** Revokes the token named (or with the id) `nameOrId`; returns it, or undefined when there is none. */
  async revoke(tenantId: string, nameOrId: string): Promise<ApiToken | undefined> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :token)',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':token': 'TOKEN#' },
      ConsistentRead: true,
    });
    const item = items.find((i) => i.name === nameOrId) ?? items.find((i) => i.id === nameOrId);
    const token = item && toToken(item);
    if (!item || !token) return undefined;
    // Lookup first: from this moment on the token opens nothing.
    if (typeof item.hash === 'string') await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: lookupKey(item.hash) }));
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: tokenKey(tenantId, token.name) }));
    return token;
  }

  /** Revokes every token of the tenant (the tenant is being deleted); returns how many. */
  async revokeAll(tenantId: string): Promise<number> {
    const tokens = await this.list(tenantId);
    for (const token of tokens) await this.revoke(tenantId, token.name);
    return tokens.length;
  }

  async findByToken(secret: string): Promise<TokenIdentity | undefined> {
    if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
    // Strongly consistent: a revoked token must stop working at once.
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: lookupKey(hashToken(secret)), ConsistentRead: true }));
    const item = res.Item;
    if (!item || typeof item.tenantId !== 'string' || typeof item.id !== 'string' || typeof item.name !== 'string') return undefined;
    return { tenantId: item.tenantId, id: item.id, name: item.name };
  }
}
