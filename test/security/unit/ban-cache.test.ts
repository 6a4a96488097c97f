import { describe, expect, it } from 'vitest';
import { BanCache } from '../../../edge/src/security/ban-cache.js';

describe('BanCache: events and polled snapshots agree', () => {
  it('a ban is active until it ends by itself', () => {
    const cache = new BanCache();
    expect(cache.add({ address: 'a', until: 1000 }, 0)).toBe(true);
    expect(cache.isBanned('a', 999)).toBe(true);
    expect(cache.isBanned('a', 1000)).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('a snapshot replaces the cache and reports the newly banned addresses', () => {
    const cache = new BanCache();
    cache.replace([{ address: 'a', until: 10_000 }], 0, 0);
    expect(cache.replace([{ address: 'a', until: 10_000 }, { address: 'b', until: 10_000 }], 100, 100)).toEqual(['b']);
    cache.replace([{ address: 'b', until: 10_000 }], 200, 200); // 'a' lifted elsewhere: gone at the next poll
    expect(cache.isBanned('a', 200)).toBe(false);
    expect(cache.isBanned('b', 200)).toBe(true);
  });

  it('an event newer than a snapshot wins: a slow poll neither forgets a new ban nor revives a lifted one', () => {
    const cache = new BanCache();
    cache.replace([{ address: 'old', until: 10_000 }], 0, 0);
    // Poll started at t=100; meanwhile (t=150) a ban.added for 'new' and a ban.lifted for 'old' arrive.
    cache.add({ address: 'new', until: 10_000 }, 150);
    cache.lift('old', 150);
    cache.replace([{ address: 'old', until: 10_000 }], 100, 200);
    expect(cache.isBanned('new', 200)).toBe(true);
    expect(cache.isBanned('old', 200)).toBe(false);
    // The next poll, started after the events, is the truth again.
    cache.replace([], 300, 300);
    expect(cache.isBanned('new', 300)).toBe(false);
  });
});
