/**
 * Flood control per source address, after Kamailio's pike module: an
 * address that sends more than `requests` messages within one window of
 * `windowMs` is throttled — everything it sends is dropped — for `blockMs`,
 * renewed for as long as it keeps flooding. Independent of authentication,
 * and checked before parsing, so a flood costs a map lookup per datagram.
 *
 * Pure: the clock is passed in. Memory is bounded: at most `maxTracked`
 * addresses are remembered (a spoofed-source UDP flood cannot grow the map
 * without limit); idle entries are pruned.
 */

export interface PikeSettings {
  /** Messages allowed per window; 0 turns the limiter off. */
  requests: number;
  windowMs: number;
  /** How long a flooding address stays throttled after its last excess. */
  blockMs: number;
  /** Upper bound of addresses tracked at once. */
  maxTracked?: number;
}

/** 'throttled' is returned once, when the address starts being throttled (worth a log line); 'dropped' after that. */
export type PikeVerdict = 'ok' | 'throttled' | 'dropped';

interface Entry {
  windowStart: number;
  count: number;
  blockedUntil: number;
}

const DEFAULT_MAX_TRACKED = 100_000;

export class PikeLimiter {
  private readonly entries = new Map<string, Entry>();
  private lastPrune = 0;

  constructor(private readonly settings: PikeSettings) {}

  get enabled(): boolean {
    return this.settings.requests > 0;
  }

  check(address: string, now: number): PikeVerdict {
    if (!this.enabled) return 'ok';
    let entry = this.entries.get(address);
    if (!entry) {
      this.makeRoom(now);
      entry = { windowStart: now, count: 0, blockedUntil: 0 };
      this.entries.set(address, entry);
    }
    if (now - entry.windowStart >= this.settings.windowMs) {
      entry.windowStart = now;
      entry.count = 0;
    }
    entry.count++;
    const blocked = entry.blockedUntil > now;
    if (entry.count > this.settings.requests) {
      entry.blockedUntil = now + this.settings.blockMs;
      return blocked ? 'dropped' : 'throttled';
    }
    return blocked ? 'dropped' : 'ok';
  }

  isThrottled(address: string, now: number): boolean {
    return (this.entries.get(address)?.blockedUntil ?? 0) > now;
  }

  get tracked(): number {
    return this.entries.size;
  }

  /** Forgets addresses that are neither throttled nor inside their current window. */
  prune(now: number): void {
    this.lastPrune = now;
    for (const [address, e] of this.entries) {
      if (e.blockedUntil <= now && now - e.windowStart >= this.settings.windowMs) this.entries.delete(address);
    }
  }

  private makeRoom(now: number): void {
    const max = this.settings.maxTracked ?? DEFAULT_MAX_TRACKED;
    if (this.entries.size < max && now - this.lastPrune < this.settings.windowMs * 10) return;
    this.prune(now);
    // Still full: forget the oldest entries (Map keeps insertion order).
    for (const address of this.entries.keys()) {
      if (this.entries.size < max) break;
      this.entries.delete(address);
    }
  }
}
