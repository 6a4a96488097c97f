/**
 * Tenants, their domain index and users (item layout: keys.ts).
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from './tenant.js';
import { DEFAULT_MAX_DEVICES, type UserAccount } from './user-account.js';
import { domainKey, normalizeDomain, tenantKey, userKey } from '../store/keys.js';

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
    if (!res.Item) return undefined;
    return { id: String(res.Item.id), realm: String(res.Item.realm), domains: (res.Item.domains as string[] | undefined) ?? [] };
  }

  async getUser(tenantId: string, ext: string): Promise<UserAccount | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: userKey(tenantId, ext) }));
    const item = res.Item;
    if (!item) return undefined;
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

  async putTenant(tenant: Tenant): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...tenantKey(tenant.id), id: tenant.id, realm: tenant.realm, domains: tenant.domains.map(normalizeDomain) },
      }),
    );
  }

  /** Points a domain at a tenant (overwrites an earlier claim: the seed is authoritative). */
  async putDomain(domain: string, tenantId: string): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...domainKey(domain), tenantId } }));
  }

  /** Upsert; bindings are separate items, so re-seeding a user keeps its registrations. */
  async putUser(user: UserAccount): Promise<void> {
    const { tenantId, ...attributes } = user;
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...userKey(tenantId, user.ext), ...attributes } }));
  }
}
