/**
 * GET /v1/tenants/{tenant}/trunks against dynalite: each trunk's
 * configuration, its live usage against the MSS limits and the last line
 * status, and never a password or digest user name.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApiHandler } from '../../functions/src/admin-api/admin-api-handler.js';
import { adminApiDeps } from '../../functions/src/admin-api/admin-api-deps.js';
import { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import type { AdminHttpEvent } from '../../contracts/http-event.js';
import { applySeed } from '../../functions/src/seed/apply-seed.js';
import { parseSeed } from '../../functions/src/seed/seed-schema.js';
import { takeTrunkSlot } from '../../functions/src/trunks/trunk-admission.js';
import { startLocalDynamo, type LocalDynamo } from './local-dynamo.js';

const CONTEXT = {} as Context;
const TOKEN = 'test-admin-token-trunks-0123456789';
const NOW = Date.UTC(2026, 0, 5, 10, 0, 0);

const SEED = parseSeed({
  tenants: [
    {
      id: 'acme',
      domains: ['acme.test'],
      users: [{ ext: '1001', password: 'pw-1001' }],
      trunks: [
        { id: 'carrier', kind: 'ip', host: '192.0.2.1', routes: [{ prefix: '9', strip: 1 }], dids: { '5551000': '1001' }, maxOutgoingCalls: 4, maxTotalCalls: 6 },
        { id: 'line', kind: 'register', host: 'sip.carrier.test', username: 'acct1', authUser: 'digest-user-x', password: 'never-show-this-pw' },
      ],
    },
    { id: 'globex', domains: ['globex.test'], users: [{ ext: '2001', password: 'pw-2001' }] },
  ],
});

let db: LocalDynamo;
let api: ReturnType<typeof createAdminApiHandler>;

beforeAll(async () => {
  db = await startLocalDynamo();
  const { directory, trunks, trunkUsage, trunkStatus } = db.stores;
  await applySeed({ directory, trunks }, SEED);
  api = createAdminApiHandler(adminApiDeps({ stores: db.stores, bus: new InProcessBus(), now: () => NOW, adminToken: TOKEN }));
  const carrier = (await trunks.getTrunk('acme', 'carrier'))!;
  await takeTrunkSlot(trunkUsage, carrier, 'out', 'call-1', { id: 'edge-a', bootId: 'a-1' }, NOW);
  await trunkStatus.putStatus({
    tenantId: 'acme', trunkId: 'line', status: 'offline', lastError: '401 Unauthorized', since: '2026-01-05T09:59:00.000Z', edgeId: 'edge-a',
    updatedAt: '2026-01-05T09:59:01.000Z',
  });
});

afterAll(async () => {
  await db?.close();
});

function get(path: string): Promise<{ statusCode: number; body: string }> {
  const event: AdminHttpEvent = { routeKey: '$default', rawPath: path, headers: { authorization: `Bearer ${TOKEN}` }, requestContext: { http: { method: 'GET' } } };
  return api(event, CONTEXT);
}

describe('admin API: trunks (dynalite)', () => {
  it('lists the tenant trunks in seed order with usage and line status', async () => {
    const res = await get('/api/v1/tenants/acme/trunks');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({
      tenantId: 'acme',
      trunks: [
        {
          id: 'carrier', kind: 'ip', host: '192.0.2.1', port: 5060, transport: 'udp', hasCredentials: false, expires: 3600, callerId: 'from',
          routes: [{ prefix: '9', strip: 1, prepend: '' }], dids: { '5551000': '1001' }, maxOutgoingCalls: 4, maxTotalCalls: 6, usage: { in: 0, out: 1, total: 1 },
        },
        {
          id: 'line', kind: 'register', host: 'sip.carrier.test', port: 5060, transport: 'udp', username: 'acct1', hasCredentials: true, expires: 3600,
          callerId: 'from', routes: [], dids: {},
          usage: { in: 0, out: 0, total: 0 }, status: { status: 'offline', lastError: '401 Unauthorized', since: '2026-01-05T09:59:00.000Z', edgeId: 'edge-a' },
        },
      ],
    });
  });

  it('never puts the password or the digest user name in the response', async () => {
    const { body } = await get('/admin/v1/tenants/acme/trunks');
    expect(body).not.toContain('never-show-this-pw');
    expect(body).not.toContain('digest-user-x');
    expect(body).not.toMatch(/password|authUser/);
  });

  it('answers an empty list for a tenant without trunks and 404 for an unknown tenant', async () => {
    expect(JSON.parse((await get('/api/v1/tenants/globex/trunks')).body)).toEqual({ tenantId: 'globex', trunks: [] });
    const unknown = await get('/api/v1/tenants/nobody/trunks');
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ error: 'tenant not found: nobody' });
  });
});
