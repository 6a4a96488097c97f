/**
 * A bounded in-memory map whose entries expire a fixed time after they were
 * stored: the directory caches of warm functions
 * (functions/src/directory/cached-directory.ts), the edge's domain realms
 * (edge/src/core/registrar-challenges.ts) and its first INVITE challenges
 * (edge/src/core/invite-challenges.ts). The TTL is the bound on staleness
 * where no directory.changed event reaches the cache (a Lambda container);
 * the event drops entries sooner where it does (the local stack).
 *
 * At most `maxEntries`: storing one more forgets the oldest stored, so
 * nobody can grow it without end by asking for names that do not exist
 * (unknown domains and users are cached too, as "none").
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; storedAt: number }>();

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stored value (which may itself be `undefined`: "known not to exist"), or undefined when absent or expired. */
  lookup(key: K): { value: V } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.storedAt >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return { value: entry.value };
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    const now = this.now();
    this.dropExpired(now);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, storedAt: now });
  }

  /**
   * Entries are kept in the order they were stored, so the expired ones are
   * at the front: each store forgets them (amortised O(1)), and a cache only
   * holds what its TTL covers — not the last 50,000 users of a registration
   * burst for as long as nobody asks (issue 14: memory per idle flow). A
   * clock that went back only stops this early; lookup still checks.
   */
  private dropExpired(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.storedAt < this.ttlMs) return;
      this.entries.delete(key);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Forgets every entry for which `drop` says true. */
  deleteWhere(drop: (key: K, value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (drop(key, entry.value)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
