/**
 * The edge's local copy of the store's bans: a map lookup per message, so a
 * banned address costs no function call and no store read.
 *
 * It is fed two ways (ban-watcher.ts): events (ban.added / ban.lifted on the
 * in-process bus, immediate) and snapshots (a poll of the store, every few
 * seconds, the path that reaches every edge). A snapshot is a read that
 * started at `takenAt`; an event received after that moment is newer than
 * the snapshot and wins over it, so a slow poll never resurrects a lifted
 * ban or forgets a fresh one.
 */

export interface BanEntry {
  address: string;
  /** Epoch ms. */
  until: number;
}

interface EventChange {
  /** When the event arrived (edge clock, epoch ms). */
  at: number;
  /** The ban's end for ban.added; undefined for ban.lifted. */
  until?: number;
}

export class BanCache {
  private readonly bans = new Map<string, number>();
  private readonly recent = new Map<string, EventChange>();

  isBanned(address: string, now: number): boolean {
    const until = this.bans.get(address);
    if (until === undefined) return false;
    if (until > now) return true;
    this.bans.delete(address); // expired by itself (no event needed)
    return false;
  }

  /** A ban.added event; true when the address was not banned before. */
  add(entry: BanEntry, at: number): boolean {
    this.recent.set(entry.address, { at, until: entry.until });
    const wasBanned = this.isBanned(entry.address, at);
    if (entry.until > at) this.bans.set(entry.address, entry.until);
    return !wasBanned && entry.until > at;
  }

  /** A ban.lifted event; true when the address was banned. */
  lift(address: string, at: number): boolean {
    this.recent.set(address, { at });
    return this.bans.delete(address);
  }

  /**
   * Replaces the cache with a snapshot of the store read from `takenAt` on.
   * Returns the addresses that became banned (their open connections must close).
   */
  replace(snapshot: readonly BanEntry[], takenAt: number, now: number): string[] {
    const next = new Map<string, number>();
    for (const { address, until } of snapshot) if (until > now) next.set(address, until);
    for (const [address, change] of this.recent) {
      if (change.at < takenAt) {
        this.recent.delete(address); // the snapshot already reflects it
        continue;
      }
      if (change.until !== undefined && change.until > now) next.set(address, change.until);
      else next.delete(address);
    }
    const added = [...next.keys()].filter((address) => !this.isBanned(address, now));
    this.bans.clear();
    for (const [address, until] of next) this.bans.set(address, until);
    return added;
  }

  get size(): number {
    return this.bans.size;
  }

  addresses(): string[] {
    return [...this.bans.keys()];
  }
}
