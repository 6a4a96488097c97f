/**
 * The seed's trunk sections (issue 3, SIP trunks): per tenant
 * `"trunks": [...]` and `"settings": { "gVarSipRegSameDialog": 0|1 }`, and the
 * system-wide `system.gVarSipRegSameDialog`. Every tunable with its default:
 *
 * | field              | default  | meaning |
 * |--------------------|----------|---------|
 * | `id`               | —        | unique in the tenant; part of keys (no '#' or '/') |
 * | `kind`             | —        | "ip" (carrier trusted by address:port) or "register" (we register to it) |
 * | `host`, `port`     | —, 5060 (5061 for tls) | the carrier's SIP address |
 * | `transport`        | "udp"    | "udp", "tcp" or "tls" (certificate verified for `host`) |
 * | `username`         | —        | account at the carrier; required for "register" |
 * | `password`         | —        | required for "register"; kept to answer digest challenges |
 * | `authUser`         | username | digest user name when it differs from the account |
 * | `domain`           | host     | carrier's SIP domain |
 * | `realm`            | domain   | the only digest realm answered with the password |
 * | `expires`          | 3600     | registration expiry asked of the carrier, seconds |
 * | `outboundProxy`    | —        | { host, port = 5060 }: send through it instead of host:port |
 * | `callerId`         | "from"   | "from" or "pai" (P-Asserted-Identity, RFC 3325) |
 * | `routes`           | []       | [{ prefix, strip = 0, prepend = "" }] outbound prefix routes |
 * | `dids`             | {}       | inbound called number → extension of the tenant |
 * | `maxIncomingCalls`, `maxOutgoingCalls`, `maxTotalCalls` | unlimited | int ≥ 0; 0 = disabled |
 * | `regSameDialog`    | tenant → system → 1 | MSS gVarSipRegSameDialog for this trunk |
 *
 * Cross-field rules (credentials of register trunks, duplicate ids, DIDs that
 * point at no extension) are checked by `checkTenantTrunks`, called from the
 * seed's superRefine so the errors carry the full `tenants[i].trunks[j]…` path.
 */
import { z } from 'zod';
import { normalizeDomain } from '../store/keys.js';
import type { Trunk } from '../../../contracts/trunk.js';
import { defaultSipPort } from '../../../contracts/transport.js';

/** Trunk ids end up in keys (`TRUNK#<id>`, `<tenantId>#<id>`): no '#' or '/'. */
const TRUNK_ID_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62})$/;
/** hostname, IPv4, or IPv6 with or without brackets (as seed-schema.ts DOMAIN_RE). */
const HOST_RE = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9\-_.]*[A-Za-z0-9_.])?|\[?[0-9A-Fa-f:.]+\]?)$/;
/** Dialled-number characters (dial-plan.ts isDialable). */
const NUMBER_RE = /^[A-Za-z0-9+*#._-]{1,64}$/;

const port = z.number().int().min(1).max(65_535);
const limit = z.number().int().min(0, { error: 'must be an integer ≥ 0' });
const regSameDialog = z.union([z.literal(0), z.literal(1)], { error: 'must be 0 or 1' });
const host = z.string().regex(HOST_RE, { error: 'must be a host name or IP address' }).transform(normalizeDomain);

export const trunkRouteSchema = z.looseObject({
  prefix: z.string().regex(NUMBER_RE, { error: 'must be 1-64 dialable characters (0-9 A-Z a-z + * # . _ -)' }),
  strip: z.number().int().min(0).default(0),
  prepend: z.string().regex(/^[A-Za-z0-9+*#._-]{0,32}$/, { error: 'must be at most 32 dialable characters' }).default(''),
});

export const trunkSchema = z.looseObject({
  id: z.string().regex(TRUNK_ID_RE, { error: 'must be 1-63 characters of A-Z a-z 0-9 . _ - starting with a letter or digit' }),
  kind: z.enum(['ip', 'register']),
  host,
  // No default here: it depends on the transport (defaultSipPort, RFC 3261 §19.1.2).
  port: port.optional(),
  transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
  username: z.string().min(1, { error: 'must not be empty' }).optional(),
  authUser: z.string().min(1, { error: 'must not be empty' }).optional(),
  // Stored as given, not as an HA1: the carrier's realm is only known from its
  // challenge (RFC 3261 §22.2), so the PBX as a UAC needs the password itself.
  password: z.string().min(1, { error: 'must not be empty' }).optional(),
  domain: z.string().min(1).optional(),
  realm: z.string().min(1, { error: 'must not be empty' }).optional(),
  expires: z.number().int().min(1).default(3600),
  outboundProxy: z.object({ host, port: port.default(5060) }).optional(),
  callerId: z.enum(['from', 'pai']).default('from'),
  routes: z.array(trunkRouteSchema).default([]),
  dids: z.record(z.string().regex(NUMBER_RE, { error: 'DID must be 1-64 dialable characters' }), z.string().min(1)).default({}),
  maxIncomingCalls: limit.optional(),
  maxOutgoingCalls: limit.optional(),
  maxTotalCalls: limit.optional(),
  regSameDialog: regSameDialog.optional(),
});

/** Per-tenant MSS system variables (loose: more join later). */
export const tenantSettingsSchema = z.looseObject({
  gVarSipRegSameDialog: regSameDialog.optional(),
});

/** The trunk fields of the seed's top-level "system" object; absent = 1 (RFC 3261 behaviour). */
export const systemTrunkSettingsShape = {
  gVarSipRegSameDialog: regSameDialog.optional(),
};

export type SeedTrunk = z.output<typeof trunkSchema>;
export type SeedTenantSettings = z.output<typeof tenantSettingsSchema>;

export interface TrunkIssue {
  /** Relative to the tenant, e.g. ['trunks', 1, 'password']. */
  path: (string | number)[];
  message: string;
}

/** Rules across fields and trunks of one tenant; `extensions` are the tenant's users. Never puts a password in a message. */
export function checkTenantTrunks(trunks: readonly SeedTrunk[], extensions: ReadonlySet<string>): TrunkIssue[] {
  const issues: TrunkIssue[] = [];
  const ids = new Map<string, number>();
  const sources = new Map<string, number>();
  trunks.forEach((trunk, i) => {
    const first = ids.get(trunk.id);
    if (first !== undefined) {
      issues.push({ path: ['trunks', i, 'id'], message: `duplicate trunk id "${trunk.id}" (also trunks[${first}])` });
    } else {
      ids.set(trunk.id, i);
    }
    if (trunk.kind === 'register') {
      if (trunk.username === undefined) issues.push({ path: ['trunks', i, 'username'], message: 'required for kind "register"' });
      if (trunk.password === undefined) issues.push({ path: ['trunks', i, 'password'], message: 'required for kind "register"' });
    }
    // Two IP trunks of one tenant at one address would make inbound recognition by source ambiguous.
    if (trunk.kind === 'ip') {
      const source = `${trunk.host}:${trunk.port ?? defaultSipPort(trunk.transport)}`;
      const other = sources.get(source);
      if (other !== undefined) {
        issues.push({ path: ['trunks', i, 'host'], message: `${source} is already the source of trunks[${other}] (IP trunks are recognised by address and port)` });
      } else {
        sources.set(source, i);
      }
    }
    for (const [did, ext] of Object.entries(trunk.dids)) {
      if (!extensions.has(ext)) issues.push({ path: ['trunks', i, 'dids', did], message: `DID "${did}" points at unknown extension "${ext}"` });
    }
  });
  return issues;
}

/** The stored trunk of a seed entry (defaults filled, unknown seed fields dropped). */
export function toTrunk(tenantId: string, t: SeedTrunk): Trunk {
  return {
    tenantId,
    id: t.id,
    kind: t.kind,
    host: t.host,
    port: t.port ?? defaultSipPort(t.transport),
    transport: t.transport,
    ...(t.username !== undefined ? { username: t.username } : {}),
    ...(t.authUser !== undefined ? { authUser: t.authUser } : {}),
    ...(t.password !== undefined ? { password: t.password } : {}),
    ...(t.domain !== undefined ? { domain: t.domain } : {}),
    ...(t.realm !== undefined ? { realm: t.realm } : {}),
    expires: t.expires,
    ...(t.outboundProxy !== undefined ? { outboundProxy: { host: t.outboundProxy.host, port: t.outboundProxy.port } } : {}),
    callerId: t.callerId,
    routes: t.routes.map((r) => ({ prefix: r.prefix, strip: r.strip, prepend: r.prepend })),
    dids: { ...t.dids },
    ...(t.maxIncomingCalls !== undefined ? { maxIncomingCalls: t.maxIncomingCalls } : {}),
    ...(t.maxOutgoingCalls !== undefined ? { maxOutgoingCalls: t.maxOutgoingCalls } : {}),
    ...(t.maxTotalCalls !== undefined ? { maxTotalCalls: t.maxTotalCalls } : {}),
    ...(t.regSameDialog !== undefined ? { regSameDialog: t.regSameDialog } : {}),
  };
}
