/**
 * /v1/bans (system role): fail-to-ban's bans — list, ban an address by
 * hand, lift a ban (MSS: "admins can list bans and unban"). The edges drop
 * a banned address's traffic on the ban.added event or at their next poll.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { normalizeAddress } from '../../../contracts/fail-to-ban/address-set.js';
import type { Ban } from '../../../contracts/fail-to-ban/ban.js';
import { banAddress, liftBan, listBans } from '../fail-to-ban/ban-admin.js';
import type { AdminApiDeps } from './admin-api-deps.js';
import { conflict, notFound } from './api-error.js';
import { noContent, reply } from './replies.js';
import { route } from './route.js';

const TAG = 'Bans';

const banView = z
  .object({
    address: z.string(),
    since: z.string(),
    until: z.string(),
    active: z.boolean(),
    reason: z.string(),
    failures: z.number().int(),
    tenantId: z.string().optional().meta({ description: 'Tenant of the last failed attempt (what was attacked)' }),
    username: z.string().optional(),
  })
  .meta({ id: 'Ban' });

const banBody = z
  .object({
    address: z.string().refine((a) => isIP(normalizeAddress(a)) !== 0, { error: 'must be an IP address' }),
    seconds: z.number().int().min(1).max(365 * 86_400).optional().meta({ description: 'default: the fail-to-ban banSeconds' }),
    reason: z.string().min(1).max(256).optional(),
  })
  .strict()
  .meta({ id: 'BanCreate' });

const banQuery = z.object({ all: z.enum(['true', 'false'], { error: 'must be true or false' }).optional().meta({ description: 'true: expired bans too' }) });

const toBanView = (ban: Ban, now: number): z.output<typeof banView> => ({
  address: ban.address,
  since: new Date(ban.since).toISOString(),
  until: new Date(ban.until).toISOString(),
  active: ban.until > now,
  reason: ban.reason,
  failures: ban.failures,
  ...(ban.tenantId !== undefined ? { tenantId: ban.tenantId } : {}),
  ...(ban.username !== undefined ? { username: ban.username } : {}),
});

const banDeps = (deps: AdminApiDeps) => ({
  bans: deps.bans,
  bus: deps.bus,
  now: deps.now,
  settings: async () => (await deps.settings.getSystemSettings()).f2b,
});

const list = route<undefined, z.output<typeof banQuery>>({
  method: 'GET',
  path: '/bans',
  access: 'system',
  summary: 'List the active bans (?all=true: expired ones too)',
  tag: TAG,
  query: banQuery,
  success: { status: 200, schema: z.object({ bans: z.array(banView) }).meta({ id: 'BanList' }) },
  action: async ({ query, deps }) => {
    const bans = await listBans(deps, { includeExpired: query.all === 'true' });
    return reply(200, { bans: bans.map((b) => toBanView(b, deps.now())) });
  },
});

const add = route<z.output<typeof banBody>>({
  method: 'POST',
  path: '/bans',
  access: 'system',
  summary: 'Ban an address now (409 when banned already or whitelisted)',
  tag: TAG,
  body: banBody,
  success: { status: 201, schema: banView },
  errors: [409],
  action: async ({ body, deps, principal }) => {
    const result = await banAddress(banDeps(deps), body, principal.actor);
    if (!result.banned) throw conflict(result.reason === 'whitelisted' ? `address: ${body.address} is whitelisted` : `address: ${result.ban.address} is banned already`);
    const view = toBanView(result.ban, deps.now());
    return reply(201, view, [{ kind: 'ban', id: view.address, op: 'created', after: view }]);
  },
});

const lift = route({
  method: 'DELETE',
  path: '/bans/{address}',
  access: 'system',
  summary: "Lift a ban early (and forget the address's recent failures)",
  tag: TAG,
  success: { status: 204 },
  errors: [404],
  action: async ({ params, deps, principal }) => {
    const result = await liftBan(banDeps(deps), params.address!, principal.actor);
    if (!result.lifted) throw notFound(`address: ${params.address} is not banned`);
    return noContent([{ kind: 'ban', id: result.ban.address, op: 'deleted', before: toBanView(result.ban, deps.now()) }]);
  },
});

export const BAN_ROUTES = [list, add, lift];
