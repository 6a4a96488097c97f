/**
 * Idempotent upsert of a seed into the directory: tenants, their domain
 * index items and users. Never deletes (a removed user stays until an admin
 * removes it) and never touches bindings, so re-seeding a running PBX keeps
 * every registration.
 */
import { computeHa1 } from '../../../sip/index.js';
import type { Tenant } from '../directory/tenant.js';
import type { UserAccount } from '../directory/user-account.js';
import type { DirectoryRepository } from '../directory/directory-repository.js';
import type { SystemSettingsRepository } from '../fail-to-ban/system-settings-repository.js';
import type { TrunkWriter } from '../trunks/trunk-repository.js';
import { toTrunk } from '../trunks/trunk-schema.js';
import { tenantRealm, type Seed, type SeedTenant, type SeedUser } from './seed-schema.js';

export interface ApplySeedDeps {
  directory: Pick<DirectoryRepository, 'putTenant' | 'putDomain' | 'putUser'>;
  /** Where the seed's "system" settings go (SYSTEM / SETTINGS); without it they are not applied. */
  system?: Pick<SystemSettingsRepository, 'putF2bSettings'>;
  /**
   * Where trunks (TENANT#<t> / TRUNK#<id>) and gVarSipRegSameDialog settings
   * go; without it they are not applied. Trunk passwords are stored as given
   * (the PBX answers carriers' digest challenges with them) and never logged.
   */
  trunks?: TrunkWriter;
}

export interface ApplySeedSummary {
  tenants: number;
  domains: number;
  users: number;
  /** Counted only when `deps.trunks` is given. */
  trunks?: number;
}

export function toTenant(tenant: SeedTenant): Tenant {
  return { id: tenant.id, realm: tenantRealm(tenant), domains: tenant.domains };
}

/** The digest username is the extension; HA1s depend on the realm, so a realm change re-hashes on the next apply. */
export function toUserAccount(tenant: Tenant, user: SeedUser): UserAccount {
  return {
    tenantId: tenant.id,
    ext: user.ext,
    ...(user.displayName !== undefined ? { displayName: user.displayName } : {}),
    ha1: {
      MD5: computeHa1('MD5', user.ext, tenant.realm, user.password),
      'SHA-256': computeHa1('SHA-256', user.ext, tenant.realm, user.password),
    },
    multiDevice: user.multiDevice,
    maxDevices: user.maxDevices,
    ...(user.maxCalls !== undefined ? { maxCalls: user.maxCalls } : {}),
    ...(user.maxOutgoingCalls !== undefined ? { maxOutgoingCalls: user.maxOutgoingCalls } : {}),
  };
}

export async function applySeed(deps: ApplySeedDeps, seed: Seed): Promise<ApplySeedSummary> {
  const summary: ApplySeedSummary = { tenants: 0, domains: 0, users: 0 };
  // Fail-to-ban settings: written when the seed has them (an upsert like the rest: a seed without them leaves the stored ones, and readers default).
  if (seed.system?.f2b && deps.system) await deps.system.putF2bSettings(seed.system.f2b);
  if (seed.system?.gVarSipRegSameDialog !== undefined && deps.trunks) await deps.trunks.putSystemRegSameDialog(seed.system.gVarSipRegSameDialog);
  if (deps.trunks) summary.trunks = 0;
  for (const seedTenant of seed.tenants) {
    const tenant = toTenant(seedTenant);
    // Tenant first: a domain item must never point at a tenant that does not exist yet.
    await deps.directory.putTenant(tenant);
    summary.tenants++;
    for (const domain of tenant.domains) {
      await deps.directory.putDomain(domain, tenant.id);
      summary.domains++;
    }
    for (const user of seedTenant.users) {
      await deps.directory.putUser(toUserAccount(tenant, user));
      summary.users++;
    }
    if (deps.trunks) {
      const settings = seedTenant.settings;
      if (settings?.gVarSipRegSameDialog !== undefined) await deps.trunks.putTenantRegSameDialog(tenant.id, settings.gVarSipRegSameDialog);
      for (const [order, seedTrunk] of seedTenant.trunks.entries()) {
        await deps.trunks.putTrunk(toTrunk(tenant.id, seedTrunk), order);
        summary.trunks = (summary.trunks ?? 0) + 1;
      }
    }
  }
  return summary;
}
