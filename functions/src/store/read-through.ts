/**
 * A cache in front of store reads, for the warm functions' caches of
 * directory data (directory/cached-directory.ts, trunks/cached-trunks.ts):
 * an ExpiringCache (contracts/expiring-cache.ts) plus the reads under way.
 *
 * Requests that miss the same entry at once share one store read (a cold
 * start, an expiry). A read that was under way when `changed()` was called
 * is neither stored nor shared with later requests (it may have read the
 * old item); a failed read is not stored either.
 */
import { ExpiringCache } from '../../../contracts/expiring-cache.js';

export class ReadThrough<V> {
  readonly cache: ExpiringCache<string, V>;
  private readonly pending = new Map<string, Promise<V>>();
  /** Bumped by every change heard: a read started before it must not be stored (nor shared). */
  private generation = 0;

  constructor(ttlMs: number, maxEntries: number, now?: () => number) {
    this.cache = new ExpiringCache(ttlMs, maxEntries, now);
  }

  get(key: string, read: () => Promise<V>): Promise<V> {
    const hit = this.cache.lookup(key);
    if (hit) return Promise.resolve(hit.value);
    const underWay = this.pending.get(key);
    if (underWay) return underWay;
    const generation = this.generation;
    const value = read()
      .then((v) => {
        if (generation === this.generation) this.cache.set(key, v);
        return v;
      })
      .finally(() => {
        if (this.pending.get(key) === value) this.pending.delete(key);
      });
    this.pending.set(key, value);
    return value;
  }

  /** Something changed: reads under way are not kept; the caller drops the entries it names from `cache`. */
  changed(): void {
    this.generation++;
    this.pending.clear();
  }
}
