/**
 * Live state: the devices a user has registered (its bindings, expiry
 * compared on read: an expired binding is never shown, whatever TTL clean-up
 * has done) and the calls of a tenant in progress (the open-call index).
 * Line status and usage of trunks are part of the trunk views (trunks-routes.ts).
 */
import { z } from 'zod';
import { listActiveCalls } from '../cdr/active-calls.js';
import type { Binding } from '../registration/binding.js';
import { reply } from './replies.js';
import { route, tenantOf } from './route.js';
import { existingUser } from './users-routes.js';

const TAG = 'Live state';

const deviceView = z
  .object({
    contact: z.string().meta({ description: 'The Contact URI the device registered' }),
    transport: z.enum(['udp', 'tcp', 'tls', 'ws', 'wss']),
    source: z.string().meta({ description: 'address:port the REGISTER came from (behind NAT: not the Contact)' }),
    userAgent: z.string().optional(),
    expires: z.string().meta({ description: 'ISO-8601 time the registration ends unless refreshed' }),
    expiresInSeconds: z.number().int(),
    registeredAt: z.string(),
    edgeId: z.string().meta({ description: 'The edge holding the device (its connection, for TCP/TLS/WebSocket)' }),
    instance: z.string().optional().meta({ description: '+sip.instance (RFC 5626)' }),
  })
  .meta({ id: 'Device' });

const deviceListView = z.object({ tenantId: z.string(), ext: z.string(), devices: z.array(deviceView) }).meta({ id: 'DeviceList' });

const party = z.object({ ext: z.string(), displayName: z.string().optional() });
const activeCallView = z
  .object({
    callId: z.string(),
    direction: z.enum(['internal', 'inbound', 'outbound']).optional(),
    caller: party.optional(),
    callee: party.optional(),
    startTime: z.string(),
    alertTime: z.string().optional(),
    answerTime: z.string().optional(),
    state: z.enum(['trying', 'ringing', 'answered']),
    trunkId: z.string().optional(),
    edgeId: z.string(),
    edgeAlive: z.boolean(),
  })
  .meta({ id: 'ActiveCall' });

const activeCallListView = z.object({ tenantId: z.string(), calls: z.array(activeCallView) }).meta({ id: 'ActiveCallList' });

function toDeviceView(b: Binding, now: number): z.output<typeof deviceView> {
  const instance = b.params['+sip.instance'];
  return {
    contact: b.contact,
    transport: b.protocol,
    source: b.address.includes(':') ? `[${b.address}]:${b.port}` : `${b.address}:${b.port}`,
    ...(b.userAgent !== undefined ? { userAgent: b.userAgent } : {}),
    expires: new Date(b.expiresAt).toISOString(),
    expiresInSeconds: Math.max(0, Math.round((b.expiresAt - now) / 1000)),
    registeredAt: new Date(b.registeredAt).toISOString(),
    edgeId: b.edgeId,
    ...(typeof instance === 'string' ? { instance: instance.replace(/^"|"$/g, '') } : {}),
  };
}

const listDevices = route({
  method: 'GET',
  path: '/tenants/{tenant}/users/{ext}/devices',
  access: 'tenant',
  summary: 'Registered devices of a user: contact, transport, source, user agent, expiry, edge',
  tag: TAG,
  success: { status: 200, schema: deviceListView },
  errors: [404],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    const user = await existingUser(ctx.deps, tenant.id, ctx.params.ext!);
    const now = ctx.deps.now();
    const { bindings } = await ctx.deps.bindings.loadBindings({ tenantId: tenant.id, ext: user.ext }, now);
    return reply(200, { tenantId: tenant.id, ext: user.ext, devices: bindings.map((b) => toDeviceView(b, now)) });
  },
});

const listCalls = route({
  method: 'GET',
  path: '/tenants/{tenant}/calls',
  access: 'tenant',
  summary: 'Calls of the tenant in progress now, oldest first',
  tag: TAG,
  success: { status: 200, schema: activeCallListView },
  errors: [404],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    return reply(200, { tenantId: tenant.id, calls: await listActiveCalls(ctx.deps.activeCalls, tenant.id, ctx.deps.now()) });
  },
});

export const LIVE_ROUTES = [listDevices, listCalls];
