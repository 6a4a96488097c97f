/**
 * The audit log (dynalite): every change is written per tenant (system
 * changes to the system log) with who, what, when and before/after without
 * secrets, and read back newest first in pages. A refused request leaves no
 * entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminApi, type AdminApiHarness } from './admin-api-client.js';

let h: AdminApiHarness;

beforeAll(async () => {
  h = await startAdminApi();
  await h.call('POST', '/api/v1/tenants', { body: { id: 'wayne', domains: ['wayne.test'] } });
  h.clock.now += 1000;
  await h.call('POST', '/api/v1/tenants/wayne/users', { body: { ext: '10', password: 'audit-secret-1', displayName: 'Bruce' } });
  h.clock.now += 1000;
  await h.call('PATCH', '/api/v1/tenants/wayne/users/10', { body: { password: 'audit-secret-2', maxCalls: 1 } });
  h.clock.now += 1000;
  await h.call('POST', '/api/v1/tenants/wayne/users', { body: { ext: '10', password: 'audit-secret-3' } }); // 409: no entry
  await h.call('DELETE', '/api/v1/tenants/wayne/users/10');
});
afterAll(async () => {
  await h?.close();
});

describe('admin API: audit log', () => {
  it('records who did what and when, newest first, with before and after', async () => {
    const res = await h.call('GET', '/api/v1/tenants/wayne/audit');
    expect(res.status).toBe(200);
    const start = Date.UTC(2026, 2, 1, 12, 0, 0);
    expect(res.body.entries).toEqual([
      {
        at: new Date(start + 3000).toISOString(), actor: 'system-token', action: 'DELETE /api/v1/tenants/wayne/users/10', operation: 'user.deleted',
        target: { kind: 'user', id: '10' }, before: { tenantId: 'wayne', ext: '10', displayName: 'Bruce', multiDevice: false, maxDevices: 3, maxCalls: 1 },
      },
      {
        at: new Date(start + 2000).toISOString(), actor: 'system-token', action: 'PATCH /api/v1/tenants/wayne/users/10', operation: 'user.updated',
        target: { kind: 'user', id: '10' },
        before: { tenantId: 'wayne', ext: '10', displayName: 'Bruce', multiDevice: false, maxDevices: 3 },
        after: { tenantId: 'wayne', ext: '10', displayName: 'Bruce', multiDevice: false, maxDevices: 3, maxCalls: 1, password: '(changed)' },
      },
      {
        at: new Date(start + 1000).toISOString(), actor: 'system-token', action: 'POST /api/v1/tenants/wayne/users', operation: 'user.created',
        target: { kind: 'user', id: '10' }, after: { tenantId: 'wayne', ext: '10', displayName: 'Bruce', multiDevice: false, maxDevices: 3 },
      },
      {
        at: new Date(start).toISOString(), actor: 'system-token', action: 'POST /api/v1/tenants', operation: 'tenant.created',
        target: { kind: 'tenant', id: 'wayne' }, after: { id: 'wayne', realm: 'wayne.test', domains: ['wayne.test'], settings: {} },
      },
    ]);
    expect(res.text).not.toMatch(/audit-secret|ha1/i);
  });

  it('pages with a cursor', async () => {
    const first = await h.call('GET', '/api/v1/tenants/wayne/audit', { query: { limit: '3' } });
    expect(first.body.entries).toHaveLength(3);
    const second = await h.call('GET', '/api/v1/tenants/wayne/audit', { query: { limit: '3', cursor: first.body.cursor } });
    expect(second.body.entries.map((e: { operation: string }) => e.operation)).toEqual(['tenant.created']);
    expect(second.body.cursor).toBeUndefined();
    const foreign = Buffer.from(JSON.stringify({ pk: 'AUDIT#acme', sk: 'x' })).toString('base64url');
    expect((await h.call('GET', '/api/v1/tenants/wayne/audit', { query: { cursor: foreign } })).status).toBe(400);
  });

  it('writes tenant creation to the system log as well', async () => {
    const res = await h.call('GET', '/api/v1/audit');
    expect(res.body.scope).toBe('SYSTEM');
    expect(res.body.entries.map((e: { operation: string; target: { id: string } }) => `${e.operation} ${e.target.id}`)).toEqual(['tenant.created wayne']);
  });
});
