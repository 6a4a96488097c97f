/**
 * Importing a seed document through the API: the same validation
 * (seed-schema.ts) and the same upsert as at start (apply-seed.ts: nothing
 * is deleted, bindings are kept), with the API's rules on top:
 *
 * - a domain of another tenant is 409 (at start the seed is authoritative;
 *   here every claim is conditional); a domain the tenant no longer lists
 *   is released (as PATCH does);
 * - a user without "password" keeps its stored HA1s, a trunk without
 *   "password" and "authUser" keeps its stored credentials — so an export
 *   (which has no secrets) imports back; a NEW user or registering trunk
 *   without them is 400;
 * - a realm change needs the password of every user of the tenant (their
 *   HA1s contain the realm), else 409.
 */
import type { DirectoryChange } from '../../../contracts/bus/directory-events.js';
import { applySeed, toTenant } from '../seed/apply-seed.js';
import { formatIssuePath, seedSchema, tenantRealm, type Seed } from '../seed/seed-schema.js';
import type { AdminApiDeps } from './admin-api-deps.js';
import { badRequest, conflict } from './api-error.js';
import type { UserAccount } from '../directory/user-account.js';
import type { Change } from './route.js';

/** Stands in for a kept password during validation; such users are written with their stored HA1s, never hashed. */
const KEPT = '(stored)';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Prepared {
  /** The document with kept secrets filled in, ready for seedSchema. */
  document: unknown;
  /** "<tenantIndex>/<ext>" → the stored user whose HA1s stay. */
  keptUsers: Map<string, UserAccount>;
}

/** Fills in what the document leaves to the store (see the file comment); anything malformed is left to the schema to report. */
async function fillKeptSecrets(deps: AdminApiDeps, document: unknown): Promise<Prepared> {
  const keptUsers = new Map<string, UserAccount>();
  if (!isObject(document) || !Array.isArray(document.tenants)) return { document, keptUsers };
  const tenants = await Promise.all(
    document.tenants.map(async (tenant: unknown, t) => {
      if (!isObject(tenant) || typeof tenant.id !== 'string') return tenant;
      const tenantId = tenant.id;
      const users = Array.isArray(tenant.users)
        ? await Promise.all(
            tenant.users.map(async (user: unknown) => {
              if (!isObject(user) || user.password !== undefined || typeof user.ext !== 'string') return user;
              const stored = await deps.directory.getUser(tenantId, user.ext);
              if (!stored) return user;
              keptUsers.set(`${t}/${user.ext}`, stored);
              return { ...user, password: KEPT };
            }),
          )
        : tenant.users;
      const trunks = Array.isArray(tenant.trunks)
        ? await Promise.all(
            tenant.trunks.map(async (trunk: unknown) => {
              if (!isObject(trunk) || trunk.password !== undefined || trunk.authUser !== undefined || typeof trunk.id !== 'string') return trunk;
              const stored = await deps.trunks.getTrunk(tenantId, trunk.id);
              if (!stored?.password) return trunk;
              return { ...trunk, password: stored.password, ...(stored.authUser !== undefined ? { authUser: stored.authUser } : {}) };
            }),
          )
        : tenant.trunks;
      return { ...tenant, ...(users !== undefined ? { users } : {}), ...(trunks !== undefined ? { trunks } : {}) };
    }),
  );
  return { document: { ...document, tenants }, keptUsers };
}

function parse(document: unknown): Seed {
  const result = seedSchema.safeParse(document);
  if (result.success) return result.data;
  throw badRequest(
    result.error.issues
      .map((issue) => {
        const [, , list, , field] = issue.path;
        const missingNewPassword = list === 'users' && field === 'password' && issue.code === 'invalid_type' && /undefined/.test(issue.message);
        return `${formatIssuePath(issue.path)}: ${missingNewPassword ? 'required for a new user' : issue.message}`;
      })
      .join('; '),
  );
}

/** 409 for a domain of another tenant, or a realm change that would orphan stored HA1s. */
async function checkAgainstStore(deps: AdminApiDeps, seed: Seed, keptUsers: Map<string, UserAccount>): Promise<void> {
  for (const [t, tenant] of seed.tenants.entries()) {
    for (const [d, domain] of tenant.domains.entries()) {
      const owner = await deps.directoryAdmin.domainOwner(domain);
      if (owner !== undefined && owner !== tenant.id) throw conflict(`tenants[${t}].domains[${d}]: "${domain}" belongs to tenant "${owner}"`);
    }
    const stored = await deps.directory.getTenant(tenant.id);
    if (!stored || stored.realm === tenantRealm(tenant)) continue;
    const withPassword = new Set(tenant.users.filter((u) => !keptUsers.has(`${t}/${u.ext}`)).map((u) => u.ext));
    const missing = (await deps.directoryAdmin.listUsers(tenant.id)).filter((u) => !withPassword.has(u.ext)).map((u) => u.ext);
    if (missing.length > 0) {
      throw conflict(`tenants[${t}].realm: the users' digest HA1s contain the realm, so changing it needs the password of every user; missing: ${missing.join(', ')}`);
    }
  }
}

export interface ImportResult {
  summary: { tenants: number; domains: number; users: number; trunks: number };
  changes: Change[];
}

export async function importSeed(deps: AdminApiDeps, document: unknown): Promise<ImportResult> {
  const prepared = await fillKeptSecrets(deps, document);
  const seed = parse(prepared.document);
  await checkAgainstStore(deps, seed, prepared.keptUsers);
  const storedTenants = new Map(await Promise.all(seed.tenants.map(async (t) => [t.id, await deps.directory.getTenant(t.id)] as const)));
  const toHash: Seed = { ...seed, tenants: seed.tenants.map((tenant, t) => ({ ...tenant, users: tenant.users.filter((u) => !prepared.keptUsers.has(`${t}/${u.ext}`)) })) };
  const { directoryAdmin } = deps;
  const applied = await applySeed(
    {
      ...deps.seed,
      directory: {
        putTenant: (tenant) => deps.seed.directory.putTenant(tenant),
        putUser: (user) => deps.seed.directory.putUser(user),
        // Conditional here (unlike at start): a concurrent claim by another tenant loses nothing.
        putDomain: async (domain, tenantId) => {
          const claim = await directoryAdmin.claimDomain(domain, tenantId);
          if (!claim.ok) throw conflict(`domain "${domain}" belongs to tenant "${claim.owner}"`);
        },
      },
    },
    toHash,
  );
  // A domain the document no longer lists is released, as PATCH does (the tenant's list is what resolves).
  for (const tenant of seed.tenants) {
    const kept = new Set(tenant.domains);
    for (const d of storedTenants.get(tenant.id)?.domains ?? []) if (!kept.has(d)) await directoryAdmin.releaseDomain(d, tenant.id);
  }
  // Users that kept their password: every other field from the document, the HA1s from the store.
  for (const [t, tenant] of seed.tenants.entries()) {
    for (const user of tenant.users) {
      const stored = prepared.keptUsers.get(`${t}/${user.ext}`);
      if (!stored) continue;
      const { password: _kept, ...fields } = user;
      const account: UserAccount = { ...stored, ...fields, tenantId: tenant.id, ha1: stored.ha1 };
      if (user.displayName === undefined) delete account.displayName;
      if (user.maxCalls === undefined) delete account.maxCalls;
      if (user.maxOutgoingCalls === undefined) delete account.maxOutgoingCalls;
      await deps.seed.directory.putUser(account);
    }
  }
  const changes: Change[] = seed.tenants.map((tenant) => {
    const t = toTenant(tenant);
    const change: DirectoryChange = { tenantId: t.id, kind: 'tenant', id: t.id, op: storedTenants.get(t.id) ? 'updated' : 'created', domains: [...new Set([...(storedTenants.get(t.id)?.domains ?? []), ...t.domains])] };
    return { ...change, operation: 'seed.imported', after: { users: tenant.users.map((u) => u.ext), trunks: tenant.trunks.map((tr) => tr.id) } };
  });
  if (seed.system) changes.push({ kind: 'settings', id: 'system', op: 'updated', operation: 'seed.imported', after: { system: Object.keys(seed.system) } });
  const users = seed.tenants.reduce((n, t) => n + t.users.length, 0);
  return { summary: { tenants: applied.tenants, domains: applied.domains, users, trunks: applied.trunks ?? 0 }, changes };
}
