import { describe, expect, it } from 'vitest';
import { directoryChangedEvent, type DirectoryChange } from '../../../contracts/bus/directory-events.js';
import { CachedDirectory, DIRECTORY_CACHE_TTL_MS } from '../../../functions/src/directory/cached-directory.js';
import type { DirectoryReader } from '../../../functions/src/directory/directory-repository.js';
import type { Tenant } from '../../../functions/src/directory/tenant.js';
import type { UserAccount } from '../../../functions/src/directory/user-account.js';

const ACME: Tenant = { id: 'acme', realm: 'acme.test', domains: ['acme.test', '127.0.0.1'] };
const GLOBEX: Tenant = { id: 'globex', realm: 'Globex', domains: ['globex.test'] };

function account(tenantId: string, ext: string, ha1: string): UserAccount {
  return { tenantId, ext, ha1: { MD5: ha1, 'SHA-256': ha1 }, multiDevice: false, maxDevices: 3 };
}

/** The store as the cache sees it: what it holds now, and how often it was read. */
function store() {
  const tenants = new Map<string, Tenant>([['acme.test', ACME], ['127.0.0.1', ACME], ['globex.test', GLOBEX]]);
  const users = new Map<string, UserAccount>([['acme/1001', account('acme', '1001', 'old')], ['globex/1001', account('globex', '1001', 'globex')]]);
  const reads = { tenants: 0, users: 0 };
  const reader: DirectoryReader = {
    findTenantByDomain: async (domain) => (reads.tenants++, tenants.get(domain)),
    getUser: async (tenantId, ext) => (reads.users++, users.get(`${tenantId}/${ext}`)),
  };
  return { tenants, users, reads, reader };
}

function setup() {
  const s = store();
  const clock = { now: 1_000_000 };
  const cache = new CachedDirectory(s.reader, { now: () => clock.now });
  const change = (c: DirectoryChange) => cache.changed(directoryChangedEvent(c).detail);
  return { ...s, clock, cache, change };
}

describe('directory cache of warm functions', () => {
  it('answers repeated reads from memory, unknown domains and users too (case-insensitive domains)', async () => {
    const { cache, reads } = setup();
    for (let i = 0; i < 3; i++) {
      expect(await cache.findTenantByDomain(i === 0 ? 'acme.test' : 'ACME.test')).toEqual(ACME);
      expect(await cache.findTenantByDomain('nowhere.example')).toBeUndefined();
      expect((await cache.getUser('acme', '1001'))?.ha1.MD5).toBe('old');
      expect(await cache.getUser('acme', '7777')).toBeUndefined();
    }
    expect(reads).toEqual({ tenants: 2, users: 2 });
  });

  it(`reads the store again ${DIRECTORY_CACHE_TTL_MS / 1000} s after it last did, with no event (a Lambda container)`, async () => {
    const { cache, users, clock } = setup();
    await cache.getUser('acme', '1001');
    users.set('acme/1001', account('acme', '1001', 'new'));
    clock.now += DIRECTORY_CACHE_TTL_MS - 1;
    expect((await cache.getUser('acme', '1001'))?.ha1.MD5).toBe('old');
    clock.now += 1;
    expect((await cache.getUser('acme', '1001'))?.ha1.MD5).toBe('new');
  });

  it('a changed or deleted user is read again at once; other users and tenants stay cached', async () => {
    const { cache, users, reads, change } = setup();
    await cache.getUser('acme', '1001');
    await cache.getUser('globex', '1001');
    await cache.findTenantByDomain('acme.test');
    users.set('acme/1001', account('acme', '1001', 'new'));
    change({ tenantId: 'acme', kind: 'user', id: '1001', op: 'updated' });
    expect((await cache.getUser('acme', '1001'))?.ha1.MD5).toBe('new');
    users.delete('acme/1001');
    change({ tenantId: 'acme', kind: 'user', id: '1001', op: 'deleted' });
    expect(await cache.getUser('acme', '1001')).toBeUndefined();
    await cache.getUser('globex', '1001');
    await cache.findTenantByDomain('acme.test');
    expect(reads).toEqual({ tenants: 1, users: 4 });
  });

  it('a user created where none was cached is found at once', async () => {
    const { cache, users, change } = setup();
    expect(await cache.getUser('acme', '5001')).toBeUndefined();
    users.set('acme/5001', account('acme', '5001', 'fresh'));
    change({ tenantId: 'acme', kind: 'user', id: '5001', op: 'created' });
    expect((await cache.getUser('acme', '5001'))?.ha1.MD5).toBe('fresh');
  });

  it('a tenant change drops the domains it names, every domain of that tenant and its users; not the others', async () => {
    const { cache, tenants, reads, change } = setup();
    for (const d of ['acme.test', '127.0.0.1', 'globex.test', 'new.test']) await cache.findTenantByDomain(d);
    await cache.getUser('acme', '1001');
    await cache.getUser('globex', '1001');
    const moved: Tenant = { ...ACME, domains: ['acme.test', 'new.test'] };
    tenants.delete('127.0.0.1');
    tenants.set('new.test', moved);
    tenants.set('acme.test', moved);
    change({ tenantId: 'acme', kind: 'tenant', id: 'acme', op: 'updated', domains: ['acme.test', '127.0.0.1', 'new.test'] });
    expect(await cache.findTenantByDomain('127.0.0.1')).toBeUndefined();
    expect(await cache.findTenantByDomain('new.test')).toEqual(moved);
    expect(await cache.findTenantByDomain('acme.test')).toEqual(moved);
    await cache.findTenantByDomain('globex.test');
    await cache.getUser('acme', '1001');
    await cache.getUser('globex', '1001');
    expect(reads).toEqual({ tenants: 4 + 3, users: 2 + 1 });
  });

  it('trunk and settings changes keep the cache; a detail it cannot read empties it', async () => {
    const { cache, reads, change } = setup();
    await cache.findTenantByDomain('acme.test');
    await cache.getUser('acme', '1001');
    change({ tenantId: 'acme', kind: 'trunk', id: 'carrier1', op: 'updated' });
    change({ kind: 'settings', id: 'system', op: 'updated' });
    await cache.findTenantByDomain('acme.test');
    await cache.getUser('acme', '1001');
    expect(reads).toEqual({ tenants: 1, users: 1 });
    cache.changed({ kind: 'user' });
    await cache.findTenantByDomain('acme.test');
    await cache.getUser('acme', '1001');
    expect(reads).toEqual({ tenants: 2, users: 2 });
  });

  it('does not keep a read that was under way when a change arrived (it may hold the old item)', async () => {
    const s = store();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: DirectoryReader = { ...s.reader, getUser: async (t, e) => { const user = await s.reader.getUser(t, e); await gate; return user; } };
    const cache = new CachedDirectory(slow);
    const pending = cache.getUser('acme', '1001');
    s.users.set('acme/1001', account('acme', '1001', 'new'));
    cache.changed(directoryChangedEvent({ tenantId: 'acme', kind: 'user', id: '1001', op: 'updated' }).detail);
    const after = cache.getUser('acme', '1001'); // asked after the change: not served by the read under way
    release();
    expect((await pending)?.ha1.MD5).toBe('old');
    expect((await after)?.ha1.MD5).toBe('new');
    expect((await cache.getUser('acme', '1001'))?.ha1.MD5).toBe('new');
  });

  it('requests that miss the same entry at once share one store read', async () => {
    const { cache, reads } = setup();
    const tenants = await Promise.all(Array.from({ length: 20 }, () => cache.findTenantByDomain('acme.test')));
    expect(tenants.every((t) => t === ACME)).toBe(true);
    await Promise.all([cache.getUser('acme', '1001'), cache.getUser('acme', '1001'), cache.getUser('acme', '1002')]);
    expect(reads).toEqual({ tenants: 1, users: 2 });
  });

  it('does not keep a failed read', async () => {
    const s = store();
    let fail = true;
    const flaky: DirectoryReader = { ...s.reader, findTenantByDomain: async (d) => { if (fail) throw new Error('store down'); return s.reader.findTenantByDomain(d); } };
    const cache = new CachedDirectory(flaky);
    await expect(cache.findTenantByDomain('acme.test')).rejects.toThrow('store down');
    fail = false;
    expect(await cache.findTenantByDomain('acme.test')).toEqual(ACME);
  });

  it('holds at most its bound of entries, forgetting the oldest', async () => {
    const s = store();
    const cache = new CachedDirectory(s.reader, { maxUsers: 2 });
    for (const ext of ['1', '2', '3']) await cache.getUser('acme', ext);
    await cache.getUser('acme', '3');
    await cache.getUser('acme', '1');
    expect(s.reads.users).toBe(4);
  });
});
