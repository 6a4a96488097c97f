/**
 * SIP trunks in the PBX table (single-table layout, see store/keys.ts):
 *
 * | Item            | pk                | sk           | gsi1pk                        | gsi1sk             | attributes |
 * |-----------------|-------------------|--------------|-------------------------------|--------------------|------------|
 * | trunk           | TENANT#<tenantId> | TRUNK#<id>   | TRUNKS#REGISTER (register)    | <tenantId>#<id>    | Trunk fields, order |
 * |                 |                   |              | TRUNKSRC#<host>:<port> (ip)   | <tenantId>#<id>    |            |
 * | carrier host    | CARRIERS          | <tenantId>#<id> | —                          | —                  | hosts (the trunk's host and outbound proxy) |
 * | tenant settings | TENANT#<tenantId> | SETTINGS     | —                             | —                  | gVarSipRegSameDialog |
 * | system settings | SYSTEM            | SETTINGS     | —                             | —                  | gVarSipRegSameDialog (next to f2b, see ban/system-settings-repository.ts) |
 *
 * Why gsi1: the edges need every registering trunk of every tenant, and the
 * inbound path needs "which trunk is this source address"; both are one
 * Query on a partition of their own instead of a Scan of the table.
 * The CARRIERS partition lists every trunk's hosts in one small Query:
 * fail-to-ban never bans a carrier's address (fail-to-ban/carrier-addresses.ts).
 * `order` is the trunk's place in the seed: failover order between trunks
 * with equally long prefixes (dial-plan.ts).
 *
 * The password is stored in clear (the PBX answers the carrier's digest
 * challenges with it; the realm is only known from the challenge, so an HA1
 * cannot be precomputed). Never log a Trunk as a whole.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { normalizeDomain, type ItemKey } from '../store/keys.js';
import { queryAll } from '../../../contracts/store/query-all.js';
import { asRegSameDialog, effectiveRegSameDialog, type RegSameDialog } from './reg-same-dialog.js';
import type { Trunk } from '../../../contracts/trunk.js';

export const trunkKey = (tenantId: string, trunkId: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: `TRUNK#${trunkId}` });
export const tenantSettingsKey = (tenantId: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: 'SETTINGS' });
const SYSTEM_SETTINGS_KEY: ItemKey = { pk: 'SYSTEM', sk: 'SETTINGS' };

export const REGISTERING_TRUNKS_PARTITION = 'TRUNKS#REGISTER';
export const CARRIERS_PARTITION = 'CARRIERS';
/** A trunk's entry in the carrier host list (written with the trunk; removed with it). */
export const carrierKey = (tenantId: string, trunkId: string): ItemKey => ({ pk: CARRIERS_PARTITION, sk: `${tenantId}#${trunkId}` });
/** Source addresses are compared the way hosts are stored: lower case, IPv6 in brackets. */
export const trunkSourcePartition = (address: string, port: number): string => `TRUNKSRC#${normalizeDomain(address)}:${port}`;

const STORAGE_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'order'] as const;

/** Of the IP trunks at one source, the one a request to `calledNumber` arrived on (findTrunkBySource's rule). */
export function trunkForSource(trunks: readonly Trunk[], calledNumber?: string): Trunk | undefined {
  if (trunks.length <= 1) return trunks[0];
  if (calledNumber === undefined) return undefined;
  const byDid = trunks.filter((t) => Object.hasOwn(t.dids, calledNumber));
  return byDid.length === 1 ? byDid[0] : undefined;
}

export interface TrunkReader {
  listTrunks(tenantId: string): Promise<Trunk[]>;
  getTrunk(tenantId: string, trunkId: string): Promise<Trunk | undefined>;
  listRegisteringTrunks(): Promise<Trunk[]>;
  findTrunksBySource(address: string, port: number): Promise<Trunk[]>;
  findTrunkBySource(address: string, port: number, calledNumber?: string): Promise<Trunk | undefined>;
  getRegSameDialog(trunk: Pick<Trunk, 'tenantId' | 'regSameDialog'>): Promise<RegSameDialog>;
}

export interface TrunkWriter {
  /** Upsert; `order` is the trunk's index in the tenant's seed list. */
  putTrunk(trunk: Trunk, order: number): Promise<void>;
  putTenantRegSameDialog(tenantId: string, value: RegSameDialog): Promise<void>;
  putSystemRegSameDialog(value: RegSameDialog): Promise<void>;
}

/** Index entry of a trunk: registering trunks in one partition, IP trunks under their source. */
function indexKeys(trunk: Trunk): { gsi1pk: string; gsi1sk: string } {
  const gsi1sk = `${trunk.tenantId}#${trunk.id}`;
  return trunk.kind === 'register'
    ? { gsi1pk: REGISTERING_TRUNKS_PARTITION, gsi1sk }
    : { gsi1pk: trunkSourcePartition(trunk.host, trunk.port), gsi1sk };
}

/** The stored trunk item: keys, index entry, fields, and its place in the tenant's list. */
/** The trunk's entry in the CARRIERS partition: its host and outbound proxy (never banned by fail-to-ban). */
export function carrierItem(trunk: Trunk): Record<string, unknown> {
  return { ...carrierKey(trunk.tenantId, trunk.id), hosts: [trunk.host, ...(trunk.outboundProxy ? [trunk.outboundProxy.host] : [])] };
}

export function trunkItem(trunk: Trunk, order: number): Record<string, unknown> {
  return { ...trunkKey(trunk.tenantId, trunk.id), ...indexKeys(trunk), ...trunk, order };
}

export function trunkFromItem(item: Record<string, unknown> | undefined): Trunk | undefined {
  if (!item || typeof item.id !== 'string' || typeof item.tenantId !== 'string') return undefined;
  const trunk: Record<string, unknown> = { ...item };
  for (const name of STORAGE_ATTRIBUTES) delete trunk[name];
  return trunk as unknown as Trunk;
}

const byOrder = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
  (typeof a.order === 'number' ? a.order : 0) - (typeof b.order === 'number' ? b.order : 0);

export class TrunkRepository implements TrunkReader, TrunkWriter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putTrunk(trunk: Trunk, order: number): Promise<void> {
    // A whole-item Put: a trunk that changed kind or address leaves its old index entry.
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: trunkItem(trunk, order) }),
    );
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: carrierItem(trunk) }));
  }

  /** Every host of every trunk of every tenant (carriers and their outbound proxies), names or addresses as configured. */
  async listCarrierHosts(): Promise<string[]> {
    const items = await queryAll(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': CARRIERS_PARTITION } });
    return [...new Set(items.flatMap((item) => (Array.isArray(item.hosts) ? item.hosts.filter((h): h is string => typeof h === 'string') : [])))];
  }

  /** The tenant's trunks in seed order. */
  async listTrunks(tenantId: string): Promise<Trunk[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :trunk)',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':trunk': 'TRUNK#' },
    });
    return items.sort(byOrder).flatMap((item) => trunkFromItem(item) ?? []);
  }

  async getTrunk(tenantId: string, trunkId: string): Promise<Trunk | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: trunkKey(tenantId, trunkId) }));
    return trunkFromItem(res.Item);
  }

  /** Every registering trunk of every tenant (what the edges keep registered), by tenant then id. */
  async listRegisteringTrunks(): Promise<Trunk[]> {
    return this.queryIndex(REGISTERING_TRUNKS_PARTITION);
  }

  /** IP trunks whose carrier sends from this address and port (several only when tenants share a carrier). */
  async findTrunksBySource(address: string, port: number): Promise<Trunk[]> {
    return this.queryIndex(trunkSourcePartition(address, port));
  }

  /**
   * The IP trunk a request from this source arrived on. When tenants share
   * the carrier, the called number (DID) tells them apart; still ambiguous →
   * undefined (the edge treats the request as from an unknown peer).
   */
  async findTrunkBySource(address: string, port: number, calledNumber?: string): Promise<Trunk | undefined> {
    return trunkForSource(await this.findTrunksBySource(address, port), calledNumber);
  }

  /** The gVarSipRegSameDialog that applies to the trunk (trunk → tenant → system → 1). */
  async getRegSameDialog(trunk: Pick<Trunk, 'tenantId' | 'regSameDialog'>): Promise<RegSameDialog> {
    if (trunk.regSameDialog !== undefined) return trunk.regSameDialog;
    const [tenant, system] = await Promise.all([
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: tenantSettingsKey(trunk.tenantId) })),
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: SYSTEM_SETTINGS_KEY })),
    ]);
    return effectiveRegSameDialog(trunk, asRegSameDialog(tenant.Item?.gVarSipRegSameDialog), asRegSameDialog(system.Item?.gVarSipRegSameDialog));
  }

  async putTenantRegSameDialog(tenantId: string, value: RegSameDialog): Promise<void> {
    await this.setAttribute(tenantSettingsKey(tenantId), value);
  }

  async putSystemRegSameDialog(value: RegSameDialog): Promise<void> {
    await this.setAttribute(SYSTEM_SETTINGS_KEY, value);
  }

  /** SET of one attribute: the other sections of a settings item (f2b …) stay. */
  private async setAttribute(key: ItemKey, value: RegSameDialog): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET #v = :v',
        ExpressionAttributeNames: { '#v': 'gVarSipRegSameDialog' },
        ExpressionAttributeValues: { ':v': value },
      }),
    );
  }

  private async queryIndex(partition: string): Promise<Trunk[]> {
    // gsi1 reads are eventually consistent (a trunk seeded a moment ago may be missing once); fine for polling edges.
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
    });
    return items.flatMap((item) => trunkFromItem(item) ?? []);
  }
}
