/**
 * /v1/tenants/{tenant}/users against dynalite: create, list in pages, read,
 * change, delete — and what the registrar (the real register handler on the
 * same store) makes of it on the very next REGISTER: a new user registers,
 * a changed password refuses the old one, a deleted user's bindings are gone.
 * Secrets never come back; every write publishes directory.changed.
 */
import type { Context } from 'aws-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisterResult } from '../../contracts/function-events.js';
import { createRegisterHandler } from '../../functions/src/registration/register-handler.js';
import { computeHa1 } from '../../sip/index.js';
import { REGISTRAR_SETTINGS, registerEvent, registerText, sipRequest } from '../unit/functions/fixtures.js';
import { startAdminApi, type AdminApiHarness } from './admin-api-client.js';
import { answerChallenge } from './digest-client.js';
import { TEST_TABLE } from './local-dynamo.js';

let h: AdminApiHarness;
let register: ReturnType<typeof createRegisterHandler>;
let seq = 0;

beforeAll(async () => {
  h = await startAdminApi();
  register = createRegisterHandler({ ...h.db.stores, settings: REGISTRAR_SETTINGS, now: () => h.clock.now });
});
afterAll(async () => {
  await h?.close();
});

/** REGISTER → 401 → REGISTER with credentials, as a phone does. */
async function registerAs(ext: string, password: string, contact = `<sip:${ext}@198.51.100.7:5060>`): Promise<RegisterResult> {
  const callId = `reg-${++seq}@test`;
  const send = (cseq: number, authorization?: string) =>
    register(registerEvent(sipRequest(registerText({ user: ext, domain: 'acme.test', callId, cseq, contacts: [contact], ...(authorization ? { authorization } : {}) }))), {} as Context);
  const challenge = await send(1);
  expect(challenge.reply.status).toBe(401);
  return send(2, answerChallenge(challenge.reply, { username: ext, password, uri: 'sip:acme.test' }));
}

const storedUser = async (ext: string) => (await h.db.doc.send(new GetCommand({ TableName: TEST_TABLE, Key: { pk: 'TENANT#acme', sk: `USER#${ext}` } }))).Item;

describe('admin API: users', () => {
  it('creates a user (201) that registers at once, and answers without any secret', async () => {
    const res = await h.call('POST', '/api/v1/tenants/acme/users', { body: { ext: '2001', password: 'pw-2001-first', displayName: 'Dora', maxCalls: 2 } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ tenantId: 'acme', ext: '2001', displayName: 'Dora', multiDevice: false, maxDevices: 3, maxCalls: 2 });
    expect(res.text).not.toMatch(/pw-2001-first|ha1|password/i);
    expect((await registerAs('2001', 'pw-2001-first')).reply.status).toBe(200);
    expect(h.events.at(-1)).toMatchObject({ source: 'nimbus.functions', detailType: 'directory.changed', detail: { tenantId: 'acme', kind: 'user', id: '2001', op: 'created' } });
  });

  it('stores only the digest HA1s of the tenant realm (MD5 and SHA-256)', async () => {
    const item = await storedUser('2001');
    expect(item?.ha1).toEqual({ MD5: computeHa1('MD5', '2001', 'acme.test', 'pw-2001-first'), 'SHA-256': computeHa1('SHA-256', '2001', 'acme.test', 'pw-2001-first') });
    expect(JSON.stringify(item)).not.toContain('pw-2001-first');
  });

  it('changes the password: the old one gets 403 on the next REGISTER, the new one 200', async () => {
    const res = await h.call('PATCH', '/api/v1/tenants/acme/users/2001', { body: { password: 'pw-2001-second', displayName: null, maxCalls: null, multiDevice: true } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tenantId: 'acme', ext: '2001', multiDevice: true, maxDevices: 3 });
    expect((await registerAs('2001', 'pw-2001-first')).reply.status).toBe(403);
    expect((await registerAs('2001', 'pw-2001-second')).reply.status).toBe(200);
  });

  it('shows the registered devices: contact, transport, source, expiry, edge', async () => {
    const res = await h.call('GET', '/api/v1/tenants/acme/users/2001/devices');
    expect(res.status).toBe(200);
    expect(res.body.devices).toHaveLength(1);
    expect(res.body.devices[0]).toMatchObject({
      contact: 'sip:2001@198.51.100.7:5060',
      transport: 'udp',
      source: '198.51.100.7:5060',
      edgeId: 'edge-a',
      expiresInSeconds: 3600,
      expires: new Date(h.clock.now + 3_600_000).toISOString(),
    });
  });

  it('shows no device once its registration has expired (expiry compared on read)', async () => {
    h.clock.now += 3_601_000;
    try {
      expect((await h.call('GET', '/api/v1/tenants/acme/users/2001/devices')).body.devices).toEqual([]);
    } finally {
      h.clock.now -= 3_601_000;
    }
  });

  it('deletes a user (204) with its bindings: its devices are gone, it can no longer register', async () => {
    const res = await h.call('DELETE', '/api/v1/tenants/acme/users/2001');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await h.db.stores.bindings.loadBindings({ tenantId: 'acme', ext: '2001' }, h.clock.now)).bindings).toEqual([]);
    expect((await registerAs('2001', 'pw-2001-second')).reply.status).toBe(403);
    expect((await h.call('GET', '/api/v1/tenants/acme/users/2001')).status).toBe(404);
    expect(h.events.at(-1)).toMatchObject({ detailType: 'directory.changed', detail: { tenantId: 'acme', kind: 'user', id: '2001', op: 'deleted' } });
  });

  it('lists users by extension in pages with a cursor', async () => {
    for (const ext of ['3001', '3002', '3003']) expect((await h.call('POST', '/api/v1/tenants/acme/users', { body: { ext, password: `pw-${ext}` } })).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await h.call('GET', '/api/v1/tenants/acme/users', { query: { limit: '2', ...(cursor ? { cursor } : {}) } });
      expect(res.status).toBe(200);
      expect(res.body.users.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.users.map((u: { ext: string }) => u.ext));
      cursor = res.body.cursor;
    } while (cursor);
    expect(seen).toEqual(['1001', '1002', '3001', '3002', '3003']);
    const all = await h.call('GET', '/api/v1/tenants/acme/users');
    expect(all.text).not.toMatch(/ha1|password/i);
  });

  it('refuses to delete a user a trunk DID points at (409), naming the trunk', async () => {
    expect((await h.call('POST', '/api/v1/tenants/acme/trunks', { body: { id: 'carrier', kind: 'ip', host: '192.0.2.10', dids: { '5550001': '3001' } } })).status).toBe(201);
    const res = await h.call('DELETE', '/api/v1/tenants/acme/users/3001');
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/DID 5550001 of trunk "carrier"/);
  });

  it.each([
    ['POST', '/api/v1/tenants/acme/users', { ext: '1001', password: 'x' }, 409, /^ext: 1001 exists already/],
    ['POST', '/api/v1/tenants/acme/users', { ext: 'bad ext', password: 'x' }, 400, /^ext: /],
    ['POST', '/api/v1/tenants/acme/users', { ext: '4001' }, 400, /^password: /],
    ['POST', '/api/v1/tenants/acme/users', { ext: '4001', password: 'x', maxDevices: 1000 }, 400, /^maxDevices: /],
    ['POST', '/api/v1/tenants/acme/users', { ext: '4001', password: 'x', displayname: 'typo' }, 400, /^displayname: unknown field/],
    ['POST', '/api/v1/tenants/acme/users', 'not json', 400, /^\(body\): must be JSON/],
    ['PATCH', '/api/v1/tenants/acme/users/1001', { maxCalls: -1 }, 400, /^maxCalls: /],
    ['PATCH', '/api/v1/tenants/acme/users/1001', { ext: '1009' }, 400, /^ext: unknown field/],
    ['PATCH', '/api/v1/tenants/acme/users/9999', { displayName: 'x' }, 404, /^user not found: 9999/],
    ['GET', '/api/v1/tenants/acme/users/9999', undefined, 404, /^user not found: 9999/],
    ['GET', '/api/v1/tenants/acme/users/9999/devices', undefined, 404, /^user not found: 9999/],
    ['DELETE', '/api/v1/tenants/acme/users/9999', undefined, 404, /^user not found: 9999/],
    ['GET', '/api/v1/tenants/nobody/users', undefined, 404, /^tenant not found: nobody/],
    ['PUT', '/api/v1/tenants/acme/users/1001', { displayName: 'x' }, 405, /method not allowed/],
  ])('%s %s %j → %i', async (method, path, body, status, message) => {
    const res = await h.call(method, path, body !== undefined ? { body } : {});
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(message);
  });

  it('rejects a bad page size and a forged cursor with 400', async () => {
    expect((await h.call('GET', '/api/v1/tenants/acme/users', { query: { limit: '0' } })).body.error).toMatch(/^limit: /);
    const forged = Buffer.from(JSON.stringify({ pk: 'TENANT#globex', sk: 'USER#1001' })).toString('base64url');
    const res = await h.call('GET', '/api/v1/tenants/acme/users', { query: { cursor: forged } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^cursor: /);
  });
});
