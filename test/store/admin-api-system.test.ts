/**
 * System settings and bans through the admin API (dynalite): what
 * fail-to-ban and the trunk registrations read afterwards, the ban events
 * the edges' ban caches take, and the refusals.
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

describe('admin API: system settings', () => {
  it('shows the defaults before anything is set', async () => {
    const res = await h.call('GET', '/api/v1/system/settings');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ f2b: { enabled: true, maxFailures: 5, windowSeconds: 60, banSeconds: 10800, whitelist: [] } });
  });

  it('changes fail-to-ban thresholds and the whitelist; fail-to-ban reads them from the store', async () => {
    const res = await h.call('PATCH', '/api/v1/system/settings', { body: { f2b: { maxFailures: 3, whitelist: ['192.0.2.0/24'] }, gVarSipRegSameDialog: 0 } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ f2b: { enabled: true, maxFailures: 3, windowSeconds: 60, banSeconds: 10800, whitelist: ['192.0.2.0/24'] }, gVarSipRegSameDialog: 0 });
    expect(await h.db.stores.systemSettings.getF2bSettings()).toMatchObject({ maxFailures: 3, whitelist: ['192.0.2.0/24'] });
    expect(await h.db.stores.trunks.getRegSameDialog({ tenantId: 'acme' })).toBe(0);
    expect(h.events.at(-1)).toMatchObject({ detailType: 'directory.changed', detail: { kind: 'settings', id: 'system', op: 'updated' } });
    expect(h.events.at(-1)!.detail).not.toHaveProperty('tenantId');
  });

  it('clears gVarSipRegSameDialog with null (back to 1)', async () => {
    const res = await h.call('PATCH', '/api/v1/system/settings', { body: { gVarSipRegSameDialog: null } });
    expect(res.body.gVarSipRegSameDialog).toBeUndefined();
    expect(await h.db.stores.trunks.getRegSameDialog({ tenantId: 'acme' })).toBe(1);
  });

  it.each([
    [{ f2b: { maxFailures: 0 } }, /^f2b\.maxFailures: /],
    [{ f2b: { whitelist: ['not-an-ip'] } }, /^f2b\.whitelist\[0\]: must be an IP address or a CIDR block/],
    [{ f2b: { banMinutes: 5 } }, /^f2b\.banMinutes: unknown field/],
    [{ gVarSipRegSameDialog: 3 }, /^gVarSipRegSameDialog: must be 0 or 1/],
  ])('refuses %j with 400 naming the field', async (body, message) => {
    const res = await h.call('PATCH', '/api/v1/system/settings', { body });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(message);
  });
});

describe('admin API: bans', () => {
  it('bans an address by hand (201) for the configured time and announces it', async () => {
    const res = await h.call('POST', '/api/v1/bans', { body: { address: '203.0.113.9', reason: 'scanner' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      address: '203.0.113.9',
      since: new Date(h.clock.now).toISOString(),
      until: new Date(h.clock.now + 10_800_000).toISOString(),
      active: true,
      reason: 'scanner',
      failures: 0,
    });
    expect((await h.db.stores.bans.getBan('203.0.113.9'))?.until).toBe(h.clock.now + 10_800_000);
    expect(h.events.at(-1)).toMatchObject({ detailType: 'ban.added', detail: { address: '203.0.113.9' } });
  });

  it('lists active bans, and expired ones with ?all=true', async () => {
    expect((await h.call('POST', '/api/v1/bans', { body: { address: '::ffff:203.0.113.10', seconds: 60 } })).body.address).toBe('203.0.113.10');
    h.clock.now += 61_000;
    try {
      expect((await h.call('GET', '/api/v1/bans')).body.bans.map((b: { address: string }) => b.address)).toEqual(['203.0.113.9']);
      const all = await h.call('GET', '/api/v1/bans', { query: { all: 'true' } });
      const seen = all.body.bans.map((b: { address: string; active: boolean }) => [b.address, b.active]);
      expect(seen).toHaveLength(2);
      expect(seen).toEqual(expect.arrayContaining([['203.0.113.9', true], ['203.0.113.10', false]]));
    } finally {
      h.clock.now -= 61_000;
    }
  });

  it('refuses to ban twice or to ban a whitelisted address (409), and a non-address (400)', async () => {
    expect((await h.call('POST', '/api/v1/bans', { body: { address: '203.0.113.9' } })).status).toBe(409);
    const white = await h.call('POST', '/api/v1/bans', { body: { address: '192.0.2.44' } });
    expect(white.status).toBe(409);
    expect(white.body.error).toMatch(/whitelisted/);
    expect((await h.call('POST', '/api/v1/bans', { body: { address: 'evil.example' } })).body.error).toMatch(/^address: must be an IP address/);
  });

  it('lifts a ban (204) and announces it; lifting again is 404', async () => {
    expect((await h.call('DELETE', '/api/v1/bans/203.0.113.9')).status).toBe(204);
    expect(await h.db.stores.bans.getBan('203.0.113.9')).toBeUndefined();
    expect(h.events.at(-1)).toMatchObject({ detailType: 'ban.lifted', detail: { address: '203.0.113.9', by: 'system-token' } });
    expect((await h.call('DELETE', '/api/v1/bans/203.0.113.9')).status).toBe(404);
  });

  it('writes bans and settings to the system audit log', async () => {
    const res = await h.call('GET', '/api/v1/audit');
    expect(res.body.entries.map((e: { operation: string }) => e.operation).slice(0, 3)).toEqual(['ban.deleted', 'ban.created', 'ban.created']);
    expect(res.body.entries.map((e: { operation: string }) => e.operation)).toContain('settings.updated');
  });
});
