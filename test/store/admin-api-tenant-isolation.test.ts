/**
 * Who may do what (dynalite): a tenant token is shown once, stored only as
 * a hash, reaches its own tenant and nothing else (403 — CDRs and reports of
 * other tenants included), never the system operations, and stops working
 * the moment it is revoked. Cognito JWT claims map to the same roles.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminApi, SYSTEM_TOKEN, type AdminApiHarness } from './admin-api-client.js';
import { TEST_TABLE } from './local-dynamo.js';

let h: AdminApiHarness;
let acmeToken: string;

const RANGE = { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' };

beforeAll(async () => {
  h = await startAdminApi();
  const res = await h.call('POST', '/api/v1/tenants/acme/tokens', { body: { name: 'ci-bot' } });
  expect(res.status).toBe(201);
  acmeToken = res.body.token;
});
afterAll(async () => {
  await h?.close();
});

describe('tenant tokens', () => {
  it('are returned once, prefixed, and stored only as a SHA-256 hash', async () => {
    expect(acmeToken).toMatch(/^nimbus_[A-Za-z0-9_-]{43}$/);
    const items = (await h.db.doc.send(new ScanCommand({ TableName: TEST_TABLE }))).Items ?? [];
    expect(JSON.stringify(items)).not.toContain(acmeToken);
    const list = await h.call('GET', '/api/v1/tenants/acme/tokens');
    expect(list.body.tokens).toEqual([expect.objectContaining({ name: 'ci-bot', tenantId: 'acme', createdBy: 'system-token', id: expect.stringMatching(/^tok_/) })]);
    expect(list.text).not.toContain(acmeToken);
  });

  it('refuses a second token of the same name with 409', async () => {
    const res = await h.call('POST', '/api/v1/tenants/acme/tokens', { body: { name: 'ci-bot' } });
    expect(res.status).toBe(409);
  });

  it.each([
    ['GET', '/api/v1/tenants/acme'],
    ['GET', '/api/v1/tenants/acme/users'],
    ['GET', '/api/v1/tenants/acme/trunks'],
    ['GET', '/api/v1/tenants/acme/calls'],
    ['GET', '/api/v1/tenants/acme/audit'],
    ['GET', '/api/v1/tenants/acme/export'],
    ['GET', '/api/v1/tenants/acme/cdrs', RANGE],
    ['GET', '/api/v1/tenants/acme/reports/calls', RANGE],
  ])('open %s %s of their own tenant', async (method, path, query?: Record<string, string>) => {
    const res = await h.call(method, path, { token: acmeToken, ...(query ? { query } : {}) });
    expect(res.status, res.text).toBe(200);
  });

  it('let a tenant admin manage its users', async () => {
    const created = await h.call('POST', '/api/v1/tenants/acme/users', { token: acmeToken, body: { ext: '1009', password: 'pw-1009' } });
    expect(created.status).toBe(201);
    expect((await h.call('DELETE', '/api/v1/tenants/acme/users/1009', { token: acmeToken })).status).toBe(204);
    const audit = await h.call('GET', '/api/v1/tenants/acme/audit', { token: acmeToken, query: { limit: '2' } });
    expect(audit.body.entries.map((e: { actor: string; operation: string }) => [e.actor, e.operation])).toEqual([
      ['token:ci-bot', 'user.deleted'],
      ['token:ci-bot', 'user.created'],
    ]);
  });

  it.each([
    ['GET', '/api/v1/tenants/globex', undefined, undefined],
    ['GET', '/api/v1/tenants/globex/users', undefined, undefined],
    ['GET', '/api/v1/tenants/globex/users/1001', undefined, undefined],
    ['PATCH', '/api/v1/tenants/globex/users/1001', undefined, { password: 'taken-over' }],
    ['POST', '/api/v1/tenants/globex/users', undefined, { ext: '6666', password: 'x' }],
    ['GET', '/api/v1/tenants/globex/cdrs', RANGE, undefined],
    ['GET', '/api/v1/tenants/globex/reports/calls', RANGE, undefined],
    ['GET', '/api/v1/tenants/globex/reports/users', RANGE, undefined],
    ['POST', '/api/v1/tenants/globex/reports/rollup', undefined, { hour: '2026-03-01T10' }],
    ['GET', '/api/v1/tenants/globex/trunks', undefined, undefined],
    ['GET', '/api/v1/tenants/globex/calls', undefined, undefined],
    ['GET', '/api/v1/tenants/globex/audit', undefined, undefined],
    ['GET', '/api/v1/tenants/globex/export', undefined, undefined],
    ['POST', '/api/v1/tenants/globex/tokens', undefined, { name: 'mine-now' }],
    ['GET', '/api/v1/tenants/nobody', undefined, undefined],
  ])('get 403 for another tenant: %s %s', async (method, path, query, body) => {
    const res = await h.call(method, path, { token: acmeToken, ...(query ? { query } : {}), ...(body ? { body } : {}) });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/do not reach tenant/);
  });

  it.each([
    ['POST', '/api/v1/tenants', { id: 'mine', domains: ['mine.test'] }],
    ['DELETE', '/api/v1/tenants/acme', undefined],
    ['GET', '/api/v1/system/settings', undefined],
    ['PATCH', '/api/v1/system/settings', { f2b: { enabled: false } }],
    ['GET', '/api/v1/bans', undefined],
    ['POST', '/api/v1/bans', { address: '192.0.2.66' }],
    ['GET', '/api/v1/audit', undefined],
    ['POST', '/api/v1/import', { tenants: [] }],
    ['PATCH', '/api/v1/tenants/acme', { domains: ['acme.test', '127.0.0.1', 'mine.test'] }],
  ])('get 403 for system operations: %s %s', async (method, path, body) => {
    const res = await h.call(method, path, { token: acmeToken, ...(body ? { body } : {}) });
    expect(res.status).toBe(403);
  });

  it('list only their own tenant', async () => {
    const res = await h.call('GET', '/api/v1/tenants', { token: acmeToken });
    expect(res.body.tenants.map((t: { id: string }) => t.id)).toEqual(['acme']);
  });

  it('stop working at once when revoked (by name or id)', async () => {
    const second = (await h.call('POST', '/api/v1/tenants/acme/tokens', { token: acmeToken, body: { name: 'temp' } })).body;
    expect((await h.call('GET', '/api/v1/tenants/acme', { token: second.token })).status).toBe(200);
    expect((await h.call('DELETE', `/api/v1/tenants/acme/tokens/${second.id}`, { token: acmeToken })).status).toBe(204);
    const after = await h.call('GET', '/api/v1/tenants/acme', { token: second.token });
    expect(after.status).toBe(401);
    expect(after.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await h.call('DELETE', '/api/v1/tenants/acme/tokens/temp')).status).toBe(404);
  });

  it.each([
    ['no Authorization header', null],
    ['a made-up tenant token', 'nimbus_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['the system token minus its last character', SYSTEM_TOKEN.slice(0, -1)],
  ])('refuse %s with 401', async (_what, token) => {
    expect((await h.call('GET', '/api/v1/tenants/acme', { token })).status).toBe(401);
  });
});

describe('Cognito JWT claims (verified by API Gateway)', () => {
  it('nimbus-system in cognito:groups (as HTTP APIs pass arrays: "[a b]") is the system role', async () => {
    const res = await h.call('GET', '/admin/v1/system/settings', { claims: { sub: 's-1', 'cognito:username': 'olga', 'cognito:groups': '[nimbus-system other]' } });
    expect(res.status).toBe(200);
  });

  it('nimbus-tenant-<id> groups reach those tenants only, and the audit log names the user', async () => {
    const claims = { sub: 's-2', 'cognito:username': 'gary', 'cognito:groups': ['nimbus-tenant-globex'] };
    expect((await h.call('GET', '/admin/v1/tenants/globex/users', { claims })).status).toBe(200);
    expect((await h.call('GET', '/admin/v1/tenants/acme/users', { claims })).status).toBe(403);
    expect((await h.call('GET', '/admin/v1/bans', { claims })).status).toBe(403);
    expect((await h.call('PATCH', '/admin/v1/tenants/globex/users/1001', { claims, body: { displayName: 'G' } })).status).toBe(200);
    const audit = await h.call('GET', '/admin/v1/tenants/globex/audit', { claims, query: { limit: '1' } });
    expect(audit.body.entries[0]).toMatchObject({ actor: 'jwt:gary', action: 'PATCH /admin/v1/tenants/globex/users/1001' });
  });

  it('custom:tenants lists the tenants of an admin', async () => {
    const claims = { sub: 's-3', email: 'ann@example.com', 'custom:tenants': 'acme, globex' };
    const res = await h.call('GET', '/admin/v1/tenants', { claims });
    expect(res.body.tenants.map((t: { id: string }) => t.id)).toEqual(['acme', 'globex']);
  });

  it('a JWT without such a claim gets nothing (403), even for the public-looking list', async () => {
    for (const path of ['/admin/v1/tenants', '/admin/v1/tenants/acme']) {
      const res = await h.call('GET', path, { claims: { sub: 's-4', 'cognito:groups': '[admins]' } });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatch(/no Nimbus role/);
    }
  });
});
