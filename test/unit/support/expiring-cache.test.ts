import { describe, expect, it } from 'vitest';
import { ExpiringCache } from '../../../contracts/expiring-cache.js';

describe('ExpiringCache (directory caches, remembered bindings, edge challenges)', () => {
  it('answers until the TTL has passed, "known not to exist" included', () => {
    const clock = { now: 0 };
    const cache = new ExpiringCache<string, string | undefined>(1_000, 10, () => clock.now);
    cache.set('a', 'x');
    cache.set('none', undefined);
    clock.now = 999;
    expect(cache.lookup('a')).toEqual({ value: 'x' });
    expect(cache.lookup('none')).toEqual({ value: undefined });
    clock.now = 1_000;
    expect(cache.lookup('a')).toBeUndefined();
  });

  it('forgets expired entries when something new is stored, so it holds only what its TTL covers', () => {
    const clock = { now: 0 };
    const cache = new ExpiringCache<number, number>(5_000, 50_000, () => clock.now);
    // A registration burst: 20,000 users over 200 s, nobody asks for them again.
    for (let i = 0; i < 20_000; i++) {
      clock.now = i * 10;
      cache.set(i, i);
    }
    expect(cache.size).toBe(500);
    expect(cache.lookup(19_999)).toEqual({ value: 19_999 });
    expect(cache.lookup(19_499)).toBeUndefined();
  });

  it('a refreshed entry moves to the back and lives a full TTL again', () => {
    const clock = { now: 0 };
    const cache = new ExpiringCache<string, number>(1_000, 10, () => clock.now);
    cache.set('old', 1);
    cache.set('kept', 1);
    clock.now = 900;
    cache.set('kept', 2);
    clock.now = 1_500;
    cache.set('new', 3);
    expect(cache.size).toBe(2);
    expect(cache.lookup('old')).toBeUndefined();
    expect(cache.lookup('kept')).toEqual({ value: 2 });
  });

  it('holds at most maxEntries, forgetting the oldest', () => {
    const cache = new ExpiringCache<number, number>(60_000, 3);
    for (let i = 0; i < 5; i++) cache.set(i, i);
    expect(cache.size).toBe(3);
    expect(cache.lookup(1)).toBeUndefined();
    expect(cache.lookup(4)).toEqual({ value: 4 });
  });
});
