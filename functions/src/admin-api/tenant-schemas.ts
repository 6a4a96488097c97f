/**
 * Bodies and views of the tenant endpoints, built from the seed's zod
 * schemas (seed-schema.ts) so the API and the seed file accept the same
 * values. Bodies are strict: an unknown field is a 400 naming it.
 */
import { z } from 'zod';
import { tenantSchema } from '../seed/seed-schema.js';
import type { Tenant } from '../directory/tenant.js';
import type { TenantSettings } from './settings-repository.js';

const regSameDialog = z.union([z.literal(0), z.literal(1)], { error: 'must be 0 or 1' });

const noDuplicates = (domains: string[], ctx: z.RefinementCtx) => {
  domains.forEach((d, i) => {
    if (domains.indexOf(d) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `domain "${d}" is listed twice` });
  });
};

const domains = tenantSchema.shape.domains.superRefine(noDuplicates);

export const tenantCreateBody = z
  .object({
    id: tenantSchema.shape.id,
    domains,
    realm: tenantSchema.shape.realm,
    settings: z.object({ gVarSipRegSameDialog: regSameDialog.optional() }).strict().optional(),
  })
  .strict()
  .meta({ id: 'TenantCreate', description: 'A new tenant. The realm defaults to the first domain.' });

export const tenantPatchBody = z
  .object({
    domains: domains.optional(),
    realm: z.string().min(1).optional(),
    /** null: back to the default (system value, else 1). */
    settings: z.object({ gVarSipRegSameDialog: regSameDialog.nullable().optional() }).strict().optional(),
    /** Needed to change the realm of a tenant with users: their HA1s contain the realm. */
    passwords: z.record(z.string(), z.string().min(1, { error: 'must not be empty' })).optional(),
  })
  .strict()
  .meta({
    id: 'TenantPatch',
    description:
      'Fields to change. Changing the realm of a tenant with users needs "passwords": { "<ext>": "<password>" } for every user (their digest HA1s include the realm), else 409.',
  });

export const tenantView = z
  .object({
    id: z.string(),
    realm: z.string(),
    domains: z.array(z.string()),
    settings: z.object({ gVarSipRegSameDialog: regSameDialog.optional() }),
  })
  .meta({ id: 'Tenant' });

export type TenantView = z.output<typeof tenantView>;

export const tenantListView = z.object({ tenants: z.array(tenantView) }).meta({ id: 'TenantList' });

export function toTenantView(tenant: Tenant, settings: TenantSettings): TenantView {
  return {
    id: tenant.id,
    realm: tenant.realm,
    domains: [...tenant.domains],
    settings: settings.gVarSipRegSameDialog !== undefined ? { gVarSipRegSameDialog: settings.gVarSipRegSameDialog } : {},
  };
}
