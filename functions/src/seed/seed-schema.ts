/**
 * Seed file: the tenants, domains and users a PBX starts with (local runs,
 * demos, tests). Objects are loose on purpose: later features add "trunks",
 * per-tenant "settings" and a top-level "system" section, and a seed written
 * for a newer version must still load here.
 *
 * {
 *   "tenants": [
 *     { "id": "acme", "domains": ["acme.test", "127.0.0.1"], "realm": "acme.test",
 *       "users": [ { "ext": "1001", "password": "…", "displayName": "Alice" },
 *                  { "ext": "1002", "password": "…", "multiDevice": true, "maxDevices": 3 } ],
 *       "trunks": [ { "id": "carrier1", "kind": "ip", "host": "192.0.2.5", "routes": [ { "prefix": "9", "strip": 1 } ],
 *                     "dids": { "5551000": "1001" }, "maxOutgoingCalls": 2 } ],
 *       "settings": { "gVarSipRegSameDialog": 1 } }
 *   ],
 *   "system": { "gVarSipRegSameDialog": 1 }
 * }
 *
 * Trunk fields and defaults: ../trunks/trunk-schema.ts.
 */
import { z } from 'zod';
import { f2bSettingsSchema } from '../../../contracts/fail-to-ban/f2b-settings.js';
import { DEFAULT_MAX_DEVICES } from '../directory/user-account.js';
import { normalizeDomain } from '../store/keys.js';
import { checkTenantTrunks, systemTrunkSettingsShape, tenantSettingsSchema, trunkSchema } from '../trunks/trunk-schema.js';

/** Tenant ids end up in keys (`TENANT#<id>`) and AOR refs (`<id>/<ext>`): no '#' or '/'. */
const TENANT_ID_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Extensions are SIP user parts and digest usernames; keep them to unreserved characters. */
const EXT_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
/** hostname, IPv4, or IPv6 with or without brackets. */
const DOMAIN_RE = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9\-_.]*[A-Za-z0-9_.])?|\[?[0-9A-Fa-f:.]+\]?)$/;

export const userSchema = z.looseObject({
  ext: z.string().regex(EXT_RE, { error: 'must be 1-32 characters of A-Z a-z 0-9 . _ - starting with a letter or digit' }),
  password: z.string().min(1, { error: 'must not be empty' }),
  displayName: z.string().optional(),
  multiDevice: z.boolean().default(false),
  maxDevices: z.number().int().min(1).max(100).default(DEFAULT_MAX_DEVICES),
  maxCalls: z.number().int().min(0).optional(),
  maxOutgoingCalls: z.number().int().min(0).optional(),
});

export const tenantSchema = z.looseObject({
  id: z.string().regex(TENANT_ID_RE, { error: 'must be 1-63 characters of a-z 0-9 - (no leading/trailing -)' }),
  domains: z
    .array(z.string().regex(DOMAIN_RE, { error: 'must be a host name or IP address' }).transform(normalizeDomain))
    .min(1, { error: 'must list at least one domain' }),
  /** Digest realm; defaults to the first domain. Changing it invalidates nothing: HA1s are recomputed on apply. */
  realm: z.string().min(1).optional(),
  users: z.array(userSchema).default([]),
  /** SIP trunks of the tenant (functions/src/trunks/trunk-schema.ts lists every field and default). */
  trunks: z.array(trunkSchema).default([]),
  /** Per-tenant MSS system variables, e.g. { "gVarSipRegSameDialog": 0 }. */
  settings: tenantSettingsSchema.optional(),
});

/**
 * System-wide settings. "f2b": fail-to-ban (contracts/fail-to-ban/f2b-settings.ts),
 * e.g. { "f2b": { "maxFailures": 5, "windowSeconds": 60, "banSeconds": 10800,
 * "whitelist": ["192.0.2.0/24"] } }; absent fields (or no "system" at all)
 * take the defaults. Loose: later MSS system variables join it.
 */
const systemSchema = z.looseObject({
  f2b: f2bSettingsSchema.optional(),
  /** MSS gVarSipRegSameDialog for every registering trunk (tenant settings and the trunk override it); absent = 1. */
  ...systemTrunkSettingsShape,
});

export const seedSchema = z
  .looseObject({
    tenants: z.array(tenantSchema),
    system: systemSchema.optional(),
  })
  .superRefine((seed, ctx) => {
    const tenantIds = new Map<string, number>();
    const domainOwners = new Map<string, { tenantId: string; index: number }>();
    seed.tenants.forEach((tenant, t) => {
      const firstIdx = tenantIds.get(tenant.id);
      if (firstIdx !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['tenants', t, 'id'], message: `duplicate tenant id "${tenant.id}" (also tenants[${firstIdx}])` });
      } else {
        tenantIds.set(tenant.id, t);
      }
      tenant.domains.forEach((domain, d) => {
        const owner = domainOwners.get(domain);
        if (owner !== undefined) {
          const message =
            owner.index === t
              ? `domain "${domain}" is listed twice`
              : `domain "${domain}" is already claimed by tenant "${owner.tenantId}" (tenants[${owner.index}])`;
          ctx.addIssue({ code: 'custom', path: ['tenants', t, 'domains', d], message });
        } else {
          domainOwners.set(domain, { tenantId: tenant.id, index: t });
        }
      });
      const exts = new Map<string, number>();
      tenant.users.forEach((user, u) => {
        const first = exts.get(user.ext);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['tenants', t, 'users', u, 'ext'],
            message: `duplicate ext "${user.ext}" in tenant "${tenant.id}" (also users[${first}])`,
          });
        } else {
          exts.set(user.ext, u);
        }
      });
      for (const issue of checkTenantTrunks(tenant.trunks, new Set(exts.keys()))) {
        ctx.addIssue({ code: 'custom', path: ['tenants', t, ...issue.path], message: issue.message });
      }
    });
  });

export type Seed = z.output<typeof seedSchema>;
export type SeedTenant = Seed['tenants'][number];
export type SeedUser = SeedTenant['users'][number];
export type { SeedTrunk } from '../trunks/trunk-schema.js';

export interface SeedIssue {
  /** e.g. `tenants[0].users[1].ext` */
  path: string;
  message: string;
}

/** An invalid seed; the message lists every problem as `<path>: <problem>`. */
export class SeedError extends Error {
  override name = 'SeedError';
  constructor(
    readonly issues: SeedIssue[],
    source?: string,
  ) {
    super(`Invalid seed${source ? ` ${source}` : ''}:\n  ${issues.map((i) => `${i.path}: ${i.message}`).join('\n  ')}`);
  }
}

/** `['tenants', 0, 'users', 1, 'ext']` -> `tenants[0].users[1].ext` */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

export function parseSeed(json: unknown, source?: string): Seed {
  const result = seedSchema.safeParse(json);
  if (result.success) return result.data;
  throw new SeedError(
    result.error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message })),
    source,
  );
}

/** Realm of a seeded tenant: explicit, else its first domain (RFC 3261 §22.1: a realm names the protection space). */
export function tenantRealm(tenant: SeedTenant): string {
  return tenant.realm ?? tenant.domains[0]!;
}
