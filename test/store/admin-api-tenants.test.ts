/**
 * /v1/tenants against dynalite: create with domains (a domain of another
 * tenant is 409), list, read, change domains / realm / settings, delete
 * with everything the tenant holds. What the registrar's domain lookup sees
 * afterwards is read through the same repository REGISTER uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeHa1 } from '../../sip/index.js';
import { startAdminApi, type AdminApiHarness } from './admin-api-client.js';

let h: AdminApiHarness;

beforeAll(async () => {
  h = await startAdminApi();
});
afterAll(async () => {
  await h?.close();
});

const directory = () => h.db.stores.directory;

describe('admin API: tenants', () => {
  it('creates a tenant (201) whose domains resolve to it at once', async () => {
    const res = await h.call('POST', '/api/v1/tenants', { body: { id: 'initech', domains: ['Initech.test', 'pbx.initech.test'], settings: { gVarSipRegSameDialog: 0 } } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: 'initech', realm: 'initech.test', domains: ['initech.test', 'pbx.initech.test'], settings: { gVarSipRegSameDialog: 0 } });
    expect((await directory().findTenantByDomain('PBX.initech.test'))?.id).toBe('initech');
    expect(h.events.at(-1)).toMatchObject({
      detailType: 'directory.changed',
      detail: { tenantId: 'initech', kind: 'tenant', id: 'initech', op: 'created', domains: ['initech.test', 'pbx.initech.test'] },
    });
  });

  it("refuses another tenant's domain with 409 and leaves nothing behind", async () => {
    const res = await h.call('POST', '/api/v1/tenants', { body: { id: 'hooli', domains: ['hooli.test', 'acme.test'] } });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('domains[1]: "acme.test" belongs to tenant "acme"');
    expect(await directory().getTenant('hooli')).toBeUndefined();
    expect(await directory().findTenantByDomain('hooli.test')).toBeUndefined();
    expect((await directory().findTenantByDomain('acme.test'))?.id).toBe('acme');
  });

  it('refuses an existing tenant id with 409', async () => {
    const res = await h.call('POST', '/api/v1/tenants', { body: { id: 'acme', domains: ['other.test'] } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/^id: tenant "acme" exists already/);
  });

  it('lists every tenant for the system role', async () => {
    const res = await h.call('GET', '/api/v1/tenants');
    expect(res.status).toBe(200);
    expect(res.body.tenants.map((t: { id: string }) => t.id)).toEqual(['acme', 'globex', 'initech']);
  });

  it('moves domains: the new one resolves at once, the dropped one no longer does', async () => {
    const res = await h.call('PATCH', '/api/v1/tenants/initech', { body: { domains: ['initech.test', 'voice.initech.test'] } });
    expect(res.status).toBe(200);
    expect(res.body.domains).toEqual(['initech.test', 'voice.initech.test']);
    expect((await directory().findTenantByDomain('voice.initech.test'))?.id).toBe('initech');
    expect(await directory().findTenantByDomain('pbx.initech.test')).toBeUndefined();
    const claimAcme = await h.call('PATCH', '/api/v1/tenants/initech', { body: { domains: ['initech.test', '127.0.0.1'] } });
    expect(claimAcme.status).toBe(409);
    expect(claimAcme.body.error).toMatch(/"127\.0\.0\.1" belongs to tenant "acme"/);
    expect((await directory().getTenant('initech'))?.domains).toEqual(['initech.test', 'voice.initech.test']);
  });

  it('changes and clears settings (null = back to the default)', async () => {
    const res = await h.call('PATCH', '/api/v1/tenants/initech', { body: { settings: { gVarSipRegSameDialog: null } } });
    expect(res.status).toBe(200);
    expect(res.body.settings).toEqual({});
    expect(h.events.at(-1)).toMatchObject({ detail: { tenantId: 'initech', kind: 'settings', id: 'initech', op: 'updated' } });
  });

  it('refuses a realm change with 409 unless every user\'s password comes with it, then re-hashes them all', async () => {
    const refused = await h.call('PATCH', '/api/v1/tenants/acme', { body: { realm: 'Acme Corp' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/^realm: .*missing: 1001, 1002/);
    const partial = await h.call('PATCH', '/api/v1/tenants/acme', { body: { realm: 'Acme Corp', passwords: { '1001': 'new-1001' } } });
    expect(partial.status).toBe(409);
    expect(partial.body.error).toMatch(/missing: 1002$/);
    expect((await directory().getTenant('acme'))?.realm).toBe('acme.test');

    const res = await h.call('PATCH', '/api/v1/tenants/acme', { body: { realm: 'Acme Corp', passwords: { '1001': 'new-1001', '1002': 'new-1002' } } });
    expect(res.status).toBe(200);
    expect(res.body.realm).toBe('Acme Corp');
    expect((await directory().getUser('acme', '1002'))?.ha1.MD5).toBe(computeHa1('MD5', '1002', 'Acme Corp', 'new-1002'));
  });

  it.each([
    ['POST', '/api/v1/tenants', { id: 'Bad_Id', domains: ['x.test'] }, 400, /^id: /],
    ['POST', '/api/v1/tenants', { id: 'empty', domains: [] }, 400, /^domains: must list at least one domain/],
    ['POST', '/api/v1/tenants', { id: 'dup', domains: ['a.test', 'A.test'] }, 400, /^domains\[1\]: domain "a.test" is listed twice/],
    ['POST', '/api/v1/tenants', { id: 'extra', domains: ['x.test'], users: [] }, 400, /^users: unknown field/],
    ['PATCH', '/api/v1/tenants/acme', { settings: { gVarSipRegSameDialog: 2 } }, 400, /^settings\.gVarSipRegSameDialog: must be 0 or 1/],
    ['PATCH', '/api/v1/tenants/acme', { passwords: { '1001': 'x' } }, 400, /^passwords: only used to change the realm/],
    ['PATCH', '/api/v1/tenants/globex', { realm: 'G2', passwords: { '1001': 'x', '5555': 'y' } }, 400, /^passwords\.5555: no such user/],
    ['GET', '/api/v1/tenants/nobody', undefined, 404, /^tenant not found: nobody/],
    ['PATCH', '/api/v1/tenants/nobody', { realm: 'x' }, 404, /^tenant not found: nobody/],
    ['DELETE', '/api/v1/tenants/nobody', undefined, 404, /^tenant not found: nobody/],
  ])('%s %s %j → %i', async (method, path, body, status, message) => {
    const res = await h.call(method, path, body !== undefined ? { body } : {});
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(message);
  });

  it('deletes a tenant (204) with its users, trunks and domains; its audit log stays', async () => {
    expect((await h.call('POST', '/api/v1/tenants/initech/users', { body: { ext: '100', password: 'pw-100' } })).status).toBe(201);
    expect((await h.call('POST', '/api/v1/tenants/initech/trunks', { body: { id: 'c1', kind: 'ip', host: '192.0.2.77' } })).status).toBe(201);
    const res = await h.call('DELETE', '/api/v1/tenants/initech');
    expect(res.status).toBe(204);
    expect(await directory().getTenant('initech')).toBeUndefined();
    expect(await directory().getUser('initech', '100')).toBeUndefined();
    expect(await directory().findTenantByDomain('initech.test')).toBeUndefined();
    expect(await h.db.stores.trunks.findTrunksBySource('192.0.2.77', 5060)).toEqual([]);
    expect((await h.call('GET', '/api/v1/tenants')).body.tenants.map((t: { id: string }) => t.id)).toEqual(['acme', 'globex']);
    const audit = await h.call('GET', '/api/v1/audit');
    expect(audit.body.entries[0]).toMatchObject({ operation: 'tenant.deleted', target: { kind: 'tenant', id: 'initech' }, actor: 'system-token' });
    // The domain is free again.
    expect((await h.call('POST', '/api/v1/tenants', { body: { id: 'initech2', domains: ['initech.test'] } })).status).toBe(201);
  });
});
