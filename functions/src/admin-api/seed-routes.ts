/**
 * A tenant as a seed document (export, without secrets) and seed documents
 * in (import: the same upsert as at start, seed-import.ts). A tenant admin
 * imports into its own tenant only; a document with several tenants, new
 * tenants or a "system" section needs the system role.
 */
import { z } from 'zod';
import { seedSchema } from '../seed/seed-schema.js';
import { normalizeDomain } from '../store/keys.js';
import { badRequest, forbidden } from './api-error.js';
import { reply } from './replies.js';
import { route, tenantOf } from './route.js';
import { importSeed } from './seed-import.js';
import { exportTenant } from './tenant-export.js';

const TAG = 'Export and import';

/** Checked in depth by seed-import.ts (the seed schema, with the API's secret-keeping rules). */
const seedDocument = z.looseObject({ tenants: z.array(z.unknown()), system: z.unknown().optional() });

const seedDoc = seedSchema.meta({ id: 'Seed', description: 'A seed document as in PBX_SEED (README "The seed file", docs/trunks.md).' });

const importResult = z
  .object({ tenants: z.number().int(), domains: z.number().int(), users: z.number().int(), trunks: z.number().int() })
  .meta({ id: 'ImportResult', description: 'What was upserted.' });

const exportSeed = route({
  method: 'GET',
  path: '/tenants/{tenant}/export',
  access: 'tenant',
  summary: 'The tenant as a seed document without secrets (no passwords, HA1s or trunk credentials)',
  tag: TAG,
  success: { status: 200, schema: seedDoc },
  errors: [404],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    const [settings, users, trunks] = await Promise.all([
      ctx.deps.settings.getTenantSettings(tenant.id),
      ctx.deps.directoryAdmin.listUsers(tenant.id),
      ctx.deps.trunks.listTrunks(tenant.id),
    ]);
    return reply(200, exportTenant(tenant, settings, users, trunks));
  },
});

const importTenant = route<z.output<typeof seedDocument>>({
  method: 'POST',
  path: '/tenants/{tenant}/import',
  access: 'tenant',
  summary: 'Upsert this tenant from a seed document (one tenant, this id, no "system"); users without a password keep theirs',
  tag: TAG,
  body: seedDocument,
  bodyDoc: seedDoc,
  success: { status: 200, schema: importResult },
  errors: [404, 409],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    if (ctx.body.system !== undefined) throw forbidden('system: only the system role imports system settings (POST /v1/import)');
    if (ctx.body.tenants.length !== 1) throw badRequest(`tenants: must hold exactly one tenant, "${tenant.id}"`);
    const id = (ctx.body.tenants[0] as { id?: unknown } | null)?.id;
    if (id !== tenant.id) throw badRequest(`tenants[0].id: must be "${tenant.id}" (the tenant of the path)`);
    const domains = (ctx.body.tenants[0] as { domains?: unknown }).domains;
    const asked = Array.isArray(domains) ? domains.map((d) => (typeof d === 'string' ? normalizeDomain(d) : String(d))) : [];
    if (ctx.principal.role !== 'system' && asked.join(',') !== tenant.domains.join(',')) {
      throw forbidden("tenants[0].domains: only the system role changes a tenant's domains; a tenant import lists the tenant's domains as they are");
    }
    const result = await importSeed(ctx.deps, ctx.body);
    return reply(200, result.summary, result.changes);
  },
});

const importAll = route<z.output<typeof seedDocument>>({
  method: 'POST',
  path: '/import',
  access: 'system',
  summary: 'Upsert a whole seed document (tenants, users, trunks, system settings), as PBX_SEED does at start',
  tag: TAG,
  body: seedDocument,
  bodyDoc: seedDoc,
  success: { status: 200, schema: importResult },
  errors: [409],
  action: async (ctx) => {
    const result = await importSeed(ctx.deps, ctx.body);
    return reply(200, result.summary, result.changes);
  },
});

export const SEED_ROUTES = [exportSeed, importTenant, importAll];
