/**
 * The repositories of the PBX table, one set per document client: Lambda
 * reuses them across the invocations of a warm container, the local stack
 * builds one set for its in-process functions.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BanRepository } from '../fail-to-ban/ban-repository.js';
import { SystemSettingsRepository } from '../fail-to-ban/system-settings-repository.js';
import { BindingRepository } from '../registration/binding-repository.js';
import { UserWithBindingsReader } from '../registration/user-with-bindings.js';
import { CallSlotRepository } from '../calls/call-slot-repository.js';
import { CdrRepository } from '../cdr/cdr-repository.js';
import { DirectoryRepository } from '../directory/directory-repository.js';
import { createDocumentClient } from '../../../contracts/store/dynamo-client.js';
import { EdgeRegistryRepository } from '../edges/edge-registry.js';
import { CarriedCallsRepository } from '../edges/carried-calls.js';
import { OnlineRepository } from '../reports/online-repository.js';
import { ReportRepository } from '../reports/report-repository.js';
import { TrunkLeaseRepository } from '../trunks/trunk-lease-repository.js';
import { TrunkStatusRepository } from '../trunks/trunk-status-repository.js';
import { TrunkUsageRepository } from '../trunks/trunk-usage-repository.js';
import { TrunkRepository } from '../trunks/trunk-repository.js';
import { AuditRepository } from '../admin-api/audit-repository.js';
import { SettingsRepository } from '../admin-api/settings-repository.js';
import { TokenRepository } from '../admin-api/token-repository.js';
import { TenantOpenCalls } from '../cdr/active-calls.js';
import { DirectoryAdminRepository } from '../directory/directory-admin-repository.js';
import { TrunkAdminRepository } from '../trunks/trunk-admin-repository.js';

export interface Stores {
  directory: DirectoryRepository;
  bindings: BindingRepository;
  /** A user and its bindings in one read (REGISTER with credentials, nothing remembered). */
  userWithBindings: UserWithBindingsReader;
  /** Fail-to-ban: bans and failure counters (functions/src/ban). */
  bans: BanRepository;
  /** The seed's "system" settings (fail-to-ban's among them). */
  systemSettings: SystemSettingsRepository;
  /** Edge heartbeats (leases): which edges are alive. */
  edges: EdgeRegistryRepository;
  /** What each edge carried at its latest slot audit (calls holding call slots). */
  carriedCalls: CarriedCallsRepository;
  /** Per-user concurrent-call slots (call limits). */
  callSlots: CallSlotRepository;
  /** CDRs and the open-call index. */
  cdrs: CdrRepository;
  /** Report rows, the rollup watermark, paged CDR reads (reports). */
  reports: ReportRepository;
  /** Users' online intervals (local user report). */
  online: OnlineRepository;
  /** SIP trunks and their gVarSipRegSameDialog settings. */
  trunks: TrunkRepository;
  /** Concurrent calls per trunk (MSS per-trunk limits). */
  trunkUsage: TrunkUsageRepository;
  /** Which edge registers each external line. */
  trunkLeases: TrunkLeaseRepository;
  /** Last reported registration status of each external line. */
  trunkStatus: TrunkStatusRepository;
  /** Admin API: conditional directory writes (tenants, domains, users). */
  directoryAdmin: DirectoryAdminRepository;
  /** Admin API: trunk create / replace / delete. */
  trunkAdmin: TrunkAdminRepository;
  /** Admin API: tenant and system settings. */
  settings: SettingsRepository;
  /** Admin API: tenant tokens (hashed). */
  tokens: TokenRepository;
  /** Admin API: the audit log. */
  audit: AuditRepository;
  /** Open calls of a tenant on an edge (active calls). */
  openCalls: TenantOpenCalls;
}

export const systemClock = (): number => Date.now();

/** How long a warm container trusts what it remembers of the store (PBX_DIRECTORY_CACHE_SECONDS), and its clock. */
export interface StoreMemoryOptions {
  cacheTtlMs?: number;
  now?: () => number;
}

export function createStores(doc: DynamoDBDocumentClient, tableName: string, memory: StoreMemoryOptions = {}): Stores {
  const online = new OnlineRepository(doc, tableName, { ...(memory.cacheTtlMs !== undefined ? { joinedTtlMs: memory.cacheTtlMs } : {}), ...(memory.now ? { now: memory.now } : {}) });
  const directory = new DirectoryRepository(doc, tableName);
  const bindings = new BindingRepository(doc, tableName, online);
  return {
    directory,
    bindings,
    userWithBindings: new UserWithBindingsReader(doc, tableName, bindings, directory),
    bans: new BanRepository(doc, tableName),
    systemSettings: new SystemSettingsRepository(doc, tableName),
    edges: new EdgeRegistryRepository(doc, tableName),
    carriedCalls: new CarriedCallsRepository(doc, tableName),
    callSlots: new CallSlotRepository(doc, tableName),
    cdrs: new CdrRepository(doc, tableName),
    reports: new ReportRepository(doc, tableName),
    online,
    trunks: new TrunkRepository(doc, tableName),
    trunkUsage: new TrunkUsageRepository(doc, tableName),
    trunkLeases: new TrunkLeaseRepository(doc, tableName),
    trunkStatus: new TrunkStatusRepository(doc, tableName),
    directoryAdmin: new DirectoryAdminRepository(doc, tableName),
    trunkAdmin: new TrunkAdminRepository(doc, tableName),
    settings: new SettingsRepository(doc, tableName),
    tokens: new TokenRepository(doc, tableName),
    audit: new AuditRepository(doc, tableName),
    openCalls: new TenantOpenCalls(doc, tableName),
  };
}
