/**
 * Creating, changing and deleting trunks through the admin API (dynalite):
 * the seed's rules with the field named, credentials write-only, and the
 * store access paths the call path uses (source lookup for inbound calls,
 * the registering-trunk list the edges poll) updated at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminApi, type AdminApiHarness } from './admin-api-client.js';

let h: AdminApiHarness;

beforeAll(async () => {
  h = await startAdminApi();
});
afterAll(async () => {
  await h?.close();
});

const trunks = () => h.db.stores.trunks;

describe('admin API: trunk writes', () => {
  it('creates an IP trunk (201) that inbound calls from its source find at once', async () => {
    const res = await h.call('POST', '/api/v1/tenants/acme/trunks', {
      body: { id: 'carrier', kind: 'ip', host: '192.0.2.5', routes: [{ prefix: '9', strip: 1 }], dids: { '5551000': '1001' }, maxOutgoingCalls: 2 },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'carrier', kind: 'ip', host: '192.0.2.5', port: 5060, hasCredentials: false, maxOutgoingCalls: 2, usage: { in: 0, out: 0, total: 0 } });
    expect((await trunks().findTrunkBySource('192.0.2.5', 5060))?.id).toBe('carrier');
    expect(h.events.at(-1)).toMatchObject({ detailType: 'directory.changed', detail: { tenantId: 'acme', kind: 'trunk', id: 'carrier', op: 'created' } });
  });

  it('creates a registering trunk whose password is stored for the carrier but never shown', async () => {
    const res = await h.call('POST', '/api/v1/tenants/acme/trunks', {
      body: { id: 'line', kind: 'register', host: 'sip.carrier.test', username: 'acct9', authUser: 'digest-9', password: 'carrier-secret-9' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'line', username: 'acct9', hasCredentials: true });
    expect(res.text).not.toMatch(/carrier-secret-9|digest-9/);
    expect((await trunks().listRegisteringTrunks()).find((t) => t.id === 'line')?.password).toBe('carrier-secret-9');
    const list = await h.call('GET', '/api/v1/tenants/acme/trunks');
    expect(list.body.trunks.map((t: { id: string }) => t.id)).toEqual(['carrier', 'line']);
    expect(list.text).not.toMatch(/carrier-secret-9|digest-9/);
  });

  it('changes a trunk: address, limits (null = unlimited), DIDs; keeps the password; keeps its failover place', async () => {
    const res = await h.call('PATCH', '/api/v1/tenants/acme/trunks/carrier', { body: { host: '192.0.2.6', maxOutgoingCalls: null, dids: { '5551001': '1002' } } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ host: '192.0.2.6', dids: { '5551001': '1002' } });
    expect(res.body.maxOutgoingCalls).toBeUndefined();
    expect(await trunks().findTrunksBySource('192.0.2.5', 5060)).toEqual([]);
    expect((await trunks().findTrunkBySource('192.0.2.6', 5060))?.id).toBe('carrier');
    const line = await h.call('PATCH', '/api/v1/tenants/acme/trunks/line', { body: { expires: 600 } });
    expect(line.body).toMatchObject({ expires: 600, hasCredentials: true });
    expect((await trunks().getTrunk('acme', 'line'))?.password).toBe('carrier-secret-9');
    expect((await trunks().listTrunks('acme')).map((t) => t.id)).toEqual(['carrier', 'line']);
  });

  it('audits a credential change without the credential', async () => {
    expect((await h.call('PATCH', '/api/v1/tenants/acme/trunks/line', { body: { password: 'carrier-secret-10' } })).status).toBe(200);
    const audit = await h.call('GET', '/api/v1/tenants/acme/audit', { query: { limit: '1' } });
    expect(audit.body.entries[0]).toMatchObject({ operation: 'trunk.updated', target: { kind: 'trunk', id: 'line' }, after: { credentials: '(changed)' } });
    expect(audit.text).not.toMatch(/carrier-secret/);
  });

  it.each([
    [{ id: 'r2', kind: 'register', host: 'sip.x.test', username: 'a' }, 400, /^password: required for kind "register"/],
    [{ id: 'ip2', kind: 'ip', host: '192.0.2.6' }, 409, /^host: 192\.0\.2\.6:5060 is already the source of trunk "carrier"/],
    [{ id: 'ip3', kind: 'ip', host: '192.0.2.8', dids: { '5552000': '4444' } }, 400, /^dids\.5552000: DID "5552000" points at unknown extension "4444"/],
    [{ id: 'carrier', kind: 'ip', host: '192.0.2.9' }, 409, /^id: trunk "carrier" exists already/],
    [{ id: 'ip4', kind: 'sip', host: '192.0.2.9' }, 400, /^kind: /],
    [{ id: 'ip4', kind: 'ip', host: '192.0.2.9', port: 70000 }, 400, /^port: /],
    [{ id: 'ip4', kind: 'ip', host: '192.0.2.9', routes: [{ prefix: '9', strip: -1 }] }, 400, /^routes\[0\]\.strip: /],
    [{ id: 'ip4', kind: 'ip', host: '192.0.2.9', maxIncomingCalls: 1.5 }, 400, /^maxIncomingCalls: /],
  ])('POST trunk %j → %i', async (body, status, message) => {
    const res = await h.call('POST', '/api/v1/tenants/acme/trunks', { body });
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(message);
  });

  it.each([
    ['carrier', { kind: 'register' }, 400, /^username: required for kind "register"/],
    ['carrier', { id: 'renamed' }, 400, /^id: unknown field/],
    ['line', { password: null }, 400, /^password: required for kind "register"/],
    ['nothing', { host: '192.0.2.1' }, 404, /^trunk not found: nothing/],
  ])('PATCH trunk %s %j → %i', async (id, body, status, message) => {
    const res = await h.call('PATCH', `/api/v1/tenants/acme/trunks/${id}`, { body });
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(message);
  });

  it('deletes a trunk (204): inbound calls from its source no longer find it', async () => {
    expect((await h.call('DELETE', '/api/v1/tenants/acme/trunks/carrier')).status).toBe(204);
    expect(await trunks().findTrunkBySource('192.0.2.6', 5060)).toBeUndefined();
    expect((await h.call('GET', '/api/v1/tenants/acme/trunks/carrier')).status).toBe(404);
    expect((await h.call('DELETE', '/api/v1/tenants/acme/trunks/carrier')).status).toBe(404);
  });
});
