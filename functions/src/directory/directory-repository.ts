/**
 * Tenants, their domain index and users (item layout: keys.ts). The read
 * path of REGISTER and INVITE, and the seed's upsert; the admin API's
 * conditional writes are in directory-admin-repository.ts.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from './tenant.js';
import { DEFAULT_MAX_DEVICES, type UserAccount } from './user-account.js';
import { domainKey, normalizeDomain, tenantKey, userKey, type ItemKey } from '../store/keys.js';

/** gsi1 partition listing every tenant (GET /v1/tenants) without a Scan. */
export const TENANT_INDEX_PARTITION = 'TENANTS';

/** The stored tenant item (META), with its entry in the tenant index. */
export function tenantItem(tenant: Tenant): ItemKey & Record<string, unknown> {
  return {
    ...tenantKey(tenant.id),
    gsi1pk: TENANT_INDEX_PARTITION,
    gsi1sk: tenant.id,
    id: tenant.id,
    realm: tenant.realm,
    domains: tenant.domains.map(normalizeDomain),
  };
}

export function tenantFromItem(item: Record<string, unknown>): Tenant {
  return { id: String(item.id), realm: String(item.realm), domains: (item.domains as string[] | undefined) ?? [] };
}

export function userItem(user: UserAccount): ItemKey & Record<string, unknown> {
  const { tenantId, ...attributes } = user;
  return { ...userKey(tenantId, user.ext), ...attributes };
}

export function userFromItem(tenantId: string, item: Record<string, unknown>): UserAccount {
  return {
    tenantId,
    ext: String(item.ext),
    ...(typeof item.displayName === 'string' ? { displayName: item.displayName } : {}),
    ha1: item.ha1 as UserAccount['ha1'],
    multiDevice: item.multiDevice === true,
    maxDevices: typeof item.maxDevices === 'number' ? item.maxDevices : DEFAULT_MAX_DEVICES,
    ...(typeof item.maxCalls === 'number' ? { maxCalls: item.maxCalls } : {}),
    ...(typeof item.maxOutgoingCalls === 'number' ? { maxOutgoingCalls: item.maxOutgoingCalls } : {}),
  };
}

/** What the registrar reads; the in-memory fakes of tests implement the same. */
export interface DirectoryReader {
  /** Tenant whose domains include this host (case-insensitive). */
  findTenantByDomain(domain: string): Promise<Tenant | undefined>;
  getUser(tenantId: string, ext: string): Promise<UserAccount | undefined>;
}

export class DirectoryRepository implements DirectoryReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async findTenantByDomain(domain: string): Promise<Tenant | undefined> {
    const index = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: domainKey(domain) }));
    const tenantId = index.Item?.tenantId;
    if (typeof tenantId !== 'string') return undefined;
    return this.getTenant(tenantId);
  }

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: tenantKey(tenantId) }));
    return res.Item ? tenantFromItem(res.Item) : undefined;
  }

  async getUser(tenantId: string, ext: string): Promise<UserAccount | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: userKey(tenantId, ext) }));
    return res.Item ? userFromItem(tenantId, res.Item) : undefined;
  }

  async putTenant(tenant: Tenant): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: tenantItem(tenant) }));
  }

  /** Points a domain at a tenant (overwrites an earlier claim: the seed is authoritative). */
  async putDomain(domain: string, tenantId: string): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...domainKey(domain), tenantId } }));
  }

  /** Upsert; bindings are separate items, so re-seeding a user keeps its registrations. */
  async putUser(user: UserAccount): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: userItem(user) }));
  }
}
