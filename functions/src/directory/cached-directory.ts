/**
 * The directory as REGISTER and INVITE read it, with a cache in front
 * (issue 14: no store read that a cache can answer). A warm function keeps
 * tenants by domain and users (their HA1s) for at most PBX_DIRECTORY_CACHE_SECONDS (5),
 * unknown ones too, and drops entries as soon as it hears directory.changed
 * (contracts/bus/directory-events.ts) where that event reaches it:
 *
 * | change (directory.changed)         | dropped                                                     |
 * |------------------------------------|-------------------------------------------------------------|
 * | tenant (created, updated, deleted) | the event's domains, every domain of that tenant, its users |
 * | user (created, updated, deleted)   | that user of that tenant                                    |
 * | trunk, settings                    | nothing here (trunks: trunks/cached-trunks.ts)              |
 * | a detail it cannot read            | everything                                                  |
 *
 * So a password change, a deleted user or a removed domain take effect on
 * the next request in the local stack (the in-process bus delivers the event
 * before the admin API answers), and within the TTL in a Lambda container,
 * which no event reaches. Bans are not the directory's: the edges enforce
 * them before any function runs (edge/src/security).
 *
 * Requests that miss the same entry at once share one store read. A read
 * that was under way when an event arrived is neither stored nor shared
 * with later requests (it may have read the old item); a failed read is not
 * stored either.
 */
import { parseDirectoryChanged, type DirectoryChangedDetail } from '../../../contracts/bus/directory-events.js';
import { ReadThrough } from '../store/read-through.js';
import { DEFAULT_DIRECTORY_CACHE_SECONDS } from '../../../contracts/settings/store-settings.js';
import { normalizeDomain } from '../store/keys.js';
import type { DirectoryReader } from './directory-repository.js';
import type { Tenant } from './tenant.js';
import type { UserAccount } from './user-account.js';

/** The bound on staleness of a warm function's directory data where no event reaches it (PBX_DIRECTORY_CACHE_SECONDS, docs/architecture.md). */
export const DIRECTORY_CACHE_TTL_MS = DEFAULT_DIRECTORY_CACHE_SECONDS * 1000;
const MAX_TENANT_DOMAINS = 10_000;
const MAX_USERS = 50_000;

export class CachedDirectory implements DirectoryReader {
  private readonly tenants: ReadThrough<Tenant | undefined>;
  private readonly users: ReadThrough<UserAccount | undefined>;

  constructor(
    private readonly store: DirectoryReader,
    options: { ttlMs?: number; now?: () => number; maxTenantDomains?: number; maxUsers?: number } = {},
  ) {
    const ttl = options.ttlMs ?? DIRECTORY_CACHE_TTL_MS;
    this.tenants = new ReadThrough(ttl, options.maxTenantDomains ?? MAX_TENANT_DOMAINS, options.now);
    this.users = new ReadThrough(ttl, options.maxUsers ?? MAX_USERS, options.now);
  }

  findTenantByDomain(domain: string): Promise<Tenant | undefined> {
    return this.tenants.get(normalizeDomain(domain), () => this.store.findTenantByDomain(domain));
  }

  /** `read` replaces the store read on a miss (registration/user-with-bindings.ts reads the bindings along). */
  getUser(tenantId: string, ext: string, read?: () => Promise<UserAccount | undefined>): Promise<UserAccount | undefined> {
    return this.users.get(userCacheKey(tenantId, ext), read ?? (() => this.store.getUser(tenantId, ext)));
  }

  /** A directory.changed detail (as published on the bus): drops what it names (see the table above). */
  changed(detail: unknown): void {
    this.tenants.changed();
    this.users.changed();
    let change: DirectoryChangedDetail;
    try {
      change = parseDirectoryChanged(detail);
    } catch {
      this.tenants.cache.clear();
      this.users.cache.clear();
      return;
    }
    if (change.kind === 'tenant') {
      const tenantId = change.tenantId ?? change.id;
      const domains = new Set((change.domains ?? []).map(normalizeDomain));
      this.tenants.cache.deleteWhere((domain, tenant) => domains.has(domain) || tenant?.id === tenantId);
      this.users.cache.deleteWhere((key) => key.startsWith(userCacheKey(tenantId, '')));
      return;
    }
    if (change.kind === 'user') {
      if (change.tenantId !== undefined) this.users.cache.delete(userCacheKey(change.tenantId, change.id));
      else this.users.cache.clear();
    }
  }
}

function userCacheKey(tenantId: string, ext: string): string {
  return `${tenantId}\u0000${ext}`;
}
