/**
 * /v1/tenants: create (system), list (each caller sees what it may reach),
 * read, change, delete (system). A domain belongs to one tenant: claiming
 * another tenant's domain is 409. Only the system role changes domains (they
 * are the operator's DNS and routing); a tenant admin may change the realm
 * and the tenant's settings.
 *
 * Realm: every user's digest HA1 is H(ext:realm:password) (RFC 7616
 * §3.4.2), so a realm cannot change under stored HA1s. Changing it needs the
 * password of every user in the same request ("passwords"), else 409.
 */
import { z } from 'zod';
import { computeHa1 } from '../../../sip/index.js';
import { normalizeDomain } from '../store/keys.js';
import type { Tenant } from '../directory/tenant.js';
import type { AdminApiDeps } from './admin-api-deps.js';
import { badRequest, conflict, forbidden, notFound } from './api-error.js';
import { noContent, reply } from './replies.js';
import { route, tenantOf, type Change } from './route.js';
import { tenantCreateBody, tenantListView, tenantPatchBody, tenantView, toTenantView } from './tenant-schemas.js';

const TAG = 'Tenants';

async function viewOf(deps: AdminApiDeps, tenant: Tenant) {
  return toTenantView(tenant, await deps.settings.getTenantSettings(tenant.id));
}

/** Claims every domain for the tenant; on a conflict gives back the ones this call claimed and throws 409. */
async function claimDomains(deps: AdminApiDeps, tenantId: string, domains: readonly string[], alreadyOwned: ReadonlySet<string>): Promise<void> {
  const claimed: string[] = [];
  for (const [i, domain] of domains.entries()) {
    if (alreadyOwned.has(domain)) continue;
    const claim = await deps.directoryAdmin.claimDomain(domain, tenantId);
    if (!claim.ok) {
      for (const d of claimed) await deps.directoryAdmin.releaseDomain(d, tenantId);
      throw conflict(`domains[${i}]: "${domain}" belongs to tenant "${claim.owner}"`);
    }
    claimed.push(domain);
  }
}

const createTenant = route<z.output<typeof tenantCreateBody>>({
  method: 'POST',
  path: '/tenants',
  access: 'system',
  summary: 'Create a tenant with its domains (a domain of another tenant is 409)',
  tag: TAG,
  body: tenantCreateBody,
  success: { status: 201, schema: tenantView },
  errors: [409],
  action: async ({ body, deps }) => {
    const tenant: Tenant = { id: body.id, realm: body.realm ?? body.domains[0]!, domains: body.domains };
    // Tenant first: a domain item must never point at a tenant that does not exist.
    if (!(await deps.directoryAdmin.createTenant(tenant))) throw conflict(`id: tenant "${tenant.id}" exists already`);
    try {
      await claimDomains(deps, tenant.id, tenant.domains, new Set());
    } catch (err) {
      await deps.directoryAdmin.deleteTenantItems(tenant.id);
      throw err;
    }
    if (body.settings) await deps.settings.updateTenantSettings(tenant.id, { ...body.settings });
    const view = await viewOf(deps, tenant);
    return reply(201, view, [{ tenantId: tenant.id, kind: 'tenant', id: tenant.id, op: 'created', after: view, domains: tenant.domains }]);
  },
});

const listTenants = route({
  method: 'GET',
  path: '/tenants',
  access: 'any',
  summary: 'List the tenants the caller may reach (all of them for the system role)',
  tag: TAG,
  success: { status: 200, schema: tenantListView },
  action: async ({ principal, deps }) => {
    const tenants =
      principal.role === 'system'
        ? await deps.directoryAdmin.listTenants()
        : (await Promise.all(principal.tenants.map((id) => deps.directory.getTenant(id)))).filter((t): t is Tenant => t !== undefined);
    const views = await Promise.all(tenants.sort((a, b) => a.id.localeCompare(b.id)).map((t) => viewOf(deps, t)));
    return reply(200, { tenants: views });
  },
});

const getTenant = route({
  method: 'GET',
  path: '/tenants/{tenant}',
  access: 'tenant',
  summary: 'Read a tenant: domains, realm, settings',
  tag: TAG,
  success: { status: 200, schema: tenantView },
  errors: [404],
  action: async (ctx) => reply(200, await viewOf(ctx.deps, tenantOf(ctx))),
});

/** New HA1s for every user under the new realm; 409 naming the users whose password is missing. */
async function rehashUsers(deps: AdminApiDeps, tenant: Tenant, realm: string, passwords: Record<string, string>) {
  const users = await deps.directoryAdmin.listUsers(tenant.id);
  const exts = new Set(users.map((u) => u.ext));
  const unknown = Object.keys(passwords).filter((ext) => !exts.has(ext));
  if (unknown.length > 0) throw badRequest(`passwords.${unknown[0]}: no such user in tenant "${tenant.id}"`);
  const missing = users.filter((u) => passwords[u.ext] === undefined).map((u) => u.ext);
  if (missing.length > 0) {
    throw conflict(`realm: the users' digest HA1s contain the realm, so changing it needs "passwords" for every user; missing: ${missing.join(', ')}`);
  }
  return users.map((u) => ({
    ...u,
    ha1: { MD5: computeHa1('MD5', u.ext, realm, passwords[u.ext]!), 'SHA-256': computeHa1('SHA-256', u.ext, realm, passwords[u.ext]!) },
  }));
}

const patchTenant = route<z.output<typeof tenantPatchBody>>({
  method: 'PATCH',
  path: '/tenants/{tenant}',
  access: 'tenant',
  summary: 'Change domains (system role), realm (with every user\'s password) or settings such as gVarSipRegSameDialog',
  tag: TAG,
  body: tenantPatchBody,
  success: { status: 200, schema: tenantView },
  errors: [404, 409],
  action: async (ctx) => {
    const { body, deps, principal } = ctx;
    const before = tenantOf(ctx);
    const beforeView = await viewOf(deps, before);
    const domains = body.domains ?? before.domains;
    const domainsChanged = domains.join(',') !== before.domains.join(',');
    if (domainsChanged && principal.role !== 'system') throw forbidden("domains: only the system role changes a tenant's domains");
    const realm = body.realm ?? before.realm;
    const realmChanged = realm !== before.realm;
    if (body.passwords && !realmChanged) throw badRequest('passwords: only used to change the realm (change a password with PATCH …/users/{ext})');
    const rehashed = realmChanged ? await rehashUsers(deps, before, realm, body.passwords ?? {}) : [];

    const after: Tenant = { id: before.id, realm, domains };
    const changes: Change[] = [];
    if (domainsChanged || realmChanged) {
      const owned = new Set(before.domains);
      await claimDomains(deps, before.id, domains, owned);
      if (!(await deps.directoryAdmin.replaceTenant(after))) throw notFound(`tenant not found: ${before.id}`);
      const kept = new Set(domains);
      for (const d of before.domains) if (!kept.has(d)) await deps.directoryAdmin.releaseDomain(d, before.id);
      for (const user of rehashed) await deps.directoryAdmin.replaceUser(user);
      changes.push({ tenantId: before.id, kind: 'tenant', id: before.id, op: 'updated', domains: [...new Set([...before.domains, ...domains])] });
    }
    if (body.settings) {
      await deps.settings.updateTenantSettings(before.id, { ...body.settings });
      changes.push({ tenantId: before.id, kind: 'settings', id: before.id, op: 'updated' });
    }
    const view = await viewOf(deps, after);
    // One audit entry per kind of change, each with the whole before/after view.
    for (const c of changes) Object.assign(c, { before: beforeView, after: view });
    return reply(200, view, changes);
  },
});

const deleteTenant = route({
  method: 'DELETE',
  path: '/tenants/{tenant}',
  access: 'system',
  summary: 'Delete a tenant and everything it holds (users, bindings, trunks, tokens, CDRs, reports); its audit log stays',
  tag: TAG,
  success: { status: 204 },
  errors: [404],
  action: async (ctx) => {
    const { deps } = ctx;
    const tenant = tenantOf(ctx);
    const before = await viewOf(deps, tenant);
    // Domains first: from now on no REGISTER or INVITE resolves to the tenant.
    for (const d of tenant.domains) await deps.directoryAdmin.releaseDomain(normalizeDomain(d), tenant.id);
    await deps.tokens.revokeAll(tenant.id);
    await deps.directoryAdmin.deleteTenantItems(tenant.id);
    return noContent([{ tenantId: tenant.id, kind: 'tenant', id: tenant.id, op: 'deleted', before, domains: tenant.domains }]);
  },
});

export const TENANT_ROUTES = [listTenants, createTenant, getTenant, patchTenant, deleteTenant];
