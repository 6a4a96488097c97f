/**
 * Export and import (dynalite): a tenant comes out as a seed document
 * without secrets, goes back in as the same upsert as at start (the stored
 * passwords of users and trunks kept, so the round trip works), and an
 * import obeys the API's rules (domains of other tenants, realm changes,
 * tenant scope).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeed } from '../../functions/src/seed/seed-schema.js';
import { computeHa1 } from '../../sip/index.js';
import { startAdminApi, type AdminApiHarness } from './admin-api-client.js';

let h: AdminApiHarness;
let tenantToken: string;

beforeAll(async () => {
  h = await startAdminApi();
  await h.call('POST', '/api/v1/tenants/acme/trunks', {
    body: { id: 'line', kind: 'register', host: 'sip.carrier.test', username: 'acct1', authUser: 'dig-1', password: 'trunk-pw-1', routes: [{ prefix: '9', strip: 1 }], dids: { '5550100': '1001' } },
  });
  await h.call('PATCH', '/api/v1/tenants/acme', { body: { settings: { gVarSipRegSameDialog: 0 } } });
  tenantToken = (await h.call('POST', '/api/v1/tenants/acme/tokens', { body: { name: 'sync' } })).body.token;
});
afterAll(async () => {
  await h?.close();
});

const md5Of = async (tenantId: string, ext: string) => (await h.db.stores.directory.getUser(tenantId, ext))?.ha1.MD5;

describe('admin API: export and import', () => {
  it('exports a tenant as a seed document without any secret', async () => {
    const res = await h.call('GET', '/api/v1/tenants/acme/export');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenants: [
        {
          id: 'acme',
          domains: ['acme.test', '127.0.0.1'],
          realm: 'acme.test',
          settings: { gVarSipRegSameDialog: 0 },
          users: [
            { ext: '1001', displayName: 'Alice', multiDevice: false, maxDevices: 3 },
            { ext: '1002', multiDevice: true, maxDevices: 3 },
          ],
          trunks: [
            {
              id: 'line', kind: 'register', host: 'sip.carrier.test', port: 5060, transport: 'udp', username: 'acct1', expires: 3600, callerId: 'from',
              routes: [{ prefix: '9', strip: 1, prepend: '' }], dids: { '5550100': '1001' },
            },
          ],
        },
      ],
    });
    expect(res.text).not.toMatch(/trunk-pw-1|dig-1|s3cret|ha1|password/i);
  });

  it('imports the export back unchanged: stored user HA1s and trunk credentials stay', async () => {
    const before1001 = await md5Of('acme', '1001');
    const exported = (await h.call('GET', '/api/v1/tenants/acme/export', { token: tenantToken })).body;
    exported.tenants[0].users[0].displayName = 'Alice Liddell';
    exported.tenants[0].users.push({ ext: '1010', password: 'pw-1010' });
    const res = await h.call('POST', '/api/v1/tenants/acme/import', { token: tenantToken, body: exported });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ tenants: 1, domains: 2, users: 3, trunks: 1 });
    expect(await md5Of('acme', '1001')).toBe(before1001);
    expect((await h.db.stores.directory.getUser('acme', '1001'))?.displayName).toBe('Alice Liddell');
    expect(await md5Of('acme', '1010')).toBe(computeHa1('MD5', '1010', 'acme.test', 'pw-1010'));
    expect(await h.db.stores.trunks.getTrunk('acme', 'line')).toMatchObject({ password: 'trunk-pw-1', authUser: 'dig-1' });
    // And what came out is a valid seed document for PBX_SEED once passwords are added.
    expect(() => parseSeed({ tenants: [{ ...exported.tenants[0], users: [], trunks: [] }] })).not.toThrow();
  });

  it('imports a whole seed (system role): new tenants, users, system settings — as at start', async () => {
    const res = await h.call('POST', '/api/v1/import', {
      body: {
        tenants: [{ id: 'umbrella', domains: ['umbrella.test'], users: [{ ext: '700', password: 'pw-700' }], trunks: [{ id: 'c', kind: 'ip', host: '192.0.2.70', dids: { '700': '700' } }] }],
        system: { f2b: { maxFailures: 7 } },
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ tenants: 1, domains: 1, users: 1, trunks: 1 });
    expect((await h.db.stores.directory.findTenantByDomain('umbrella.test'))?.id).toBe('umbrella');
    expect((await h.db.stores.systemSettings.getF2bSettings()).maxFailures).toBe(7);
    expect(h.events.filter((e) => e.detailType === 'directory.changed').slice(-2).map((e) => e.detail)).toMatchObject([
      { tenantId: 'umbrella', kind: 'tenant', op: 'created' },
      { kind: 'settings', id: 'system' },
    ]);
    const audit = await h.call('GET', '/api/v1/tenants/umbrella/audit');
    expect(audit.body.entries[0]).toMatchObject({ operation: 'seed.imported', after: { users: ['700'], trunks: ['c'] } });
  });

  it.each([
    ['a domain of another tenant', '/api/v1/import', { tenants: [{ id: 'evil', domains: ['evil.test', 'globex.test'] }] }, 409, /^tenants\[0\]\.domains\[1\]: "globex\.test" belongs to tenant "globex"/],
    ['a new user without a password', '/api/v1/import', { tenants: [{ id: 'acme', domains: ['acme.test', '127.0.0.1'], users: [{ ext: '1777' }] }] }, 400, /^tenants\[0\]\.users\[0\]\.password: required for a new user/],
    ['a realm change without every password', '/api/v1/import', { tenants: [{ id: 'globex', domains: ['globex.test'], realm: 'G2' }] }, 409, /^tenants\[0\]\.realm: .*missing: 1001/],
    ['a bad field', '/api/v1/import', { tenants: [{ id: 'acme', domains: ['acme.test'], users: [{ ext: '1001', maxDevices: 0 }] }] }, 400, /^tenants\[0\]\.users\[0\]\.maxDevices: /],
    ['another tenant in a tenant import', '/api/v1/tenants/acme/import', { tenants: [{ id: 'globex', domains: ['globex.test'] }] }, 400, /^tenants\[0\]\.id: must be "acme"/],
    ['two tenants in a tenant import', '/api/v1/tenants/acme/import', { tenants: [{ id: 'acme', domains: ['acme.test'] }, { id: 'b', domains: ['b.test'] }] }, 400, /^tenants: must hold exactly one tenant/],
  ])('refuses %s', async (_what, path, body, status, message) => {
    const res = await h.call('POST', path, { body });
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(message);
    expect(await h.db.stores.directory.getTenant('evil')).toBeUndefined();
  });

  it('keeps a tenant admin to its own tenant: no system section, no domain changes', async () => {
    const system = await h.call('POST', '/api/v1/tenants/acme/import', { token: tenantToken, body: { tenants: [{ id: 'acme', domains: ['acme.test', '127.0.0.1'] }], system: { f2b: { enabled: false } } } });
    expect(system.status).toBe(403);
    const domains = await h.call('POST', '/api/v1/tenants/acme/import', { token: tenantToken, body: { tenants: [{ id: 'acme', domains: ['acme.test', 'new.test'] }] } });
    expect(domains.status).toBe(403);
    expect((await h.db.stores.systemSettings.getF2bSettings()).enabled).toBe(true);
  });
});
