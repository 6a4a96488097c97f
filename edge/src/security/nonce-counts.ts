/**
 * The nonce counts this edge has seen (RFC 7616 §3.3 / §5.4: a server that
 * tracks `nc` per nonce detects a replayed request). Nonces are stateless
 * and bound to the edge instance that issued them (sip/digest.ts), so this
 * edge alone decides whether (nonce, nc) was used: a captured REGISTER or
 * INVITE sent again gets a fresh challenge instead of a 200. Another edge
 * answers such a nonce with stale=true (it did not issue it), so the table
 * never needs to be shared.
 *
 * Memory: one small entry per nonce used, kept while the nonce can still be
 * valid (PBX_NONCE_TTL_SECONDS): entries live in two generations by the
 * nonce's issue time, and a generation older than the TTL is dropped whole.
 */

import { ownCopy } from '../core/own-copy.js';

/** nc values accepted below the highest one seen (UDP may reorder a UA's requests). */
const WINDOW = 32;

export type NonceCountVerdict = 'first' | 'replay' | 'full';

interface Seen {
  /** Highest nc seen. */
  max: number;
  /** Bit i set: nc = max - i was seen (bit 0 is max itself). */
  mask: number;
}

export class NonceCounts {
  private readonly generations = new Map<number, Map<string, Seen>>();

  constructor(
    private readonly ttlMs: number,
    /** Entries per generation; beyond it a nonce is refused as if replayed (the UA gets a fresh challenge). */
    private readonly maxPerGeneration = 2_000_000,
  ) {}

  /** Records the use of `nc` with `nonce` (issued at `issuedAt`); 'replay' when it was used before. */
  use(nonce: string, issuedAt: number, nc: number, now: number): NonceCountVerdict {
    this.prune(now);
    const generation = Math.floor(issuedAt / this.ttlMs);
    let seen = this.generations.get(generation);
    if (!seen) {
      seen = new Map();
      this.generations.set(generation, seen);
    }
    const entry = seen.get(nonce);
    if (!entry) {
      if (seen.size >= this.maxPerGeneration) return 'full';
      // The key outlives the request (up to two TTLs): copied, so it does not keep the request's text alive.
      seen.set(ownCopy(nonce), { max: nc, mask: 1 });
      return 'first';
    }
    if (nc > entry.max) {
      const shift = nc - entry.max;
      entry.mask = shift >= WINDOW ? 1 : ((entry.mask << shift) | 1) >>> 0;
      entry.max = nc;
      return 'first';
    }
    const back = entry.max - nc;
    // Too far behind to know: refused like a replay (a UA that really lags gets a fresh nonce).
    if (back >= WINDOW || (entry.mask >>> back) & 1) return 'replay';
    entry.mask = (entry.mask | (1 << back)) >>> 0;
    return 'first';
  }

  get size(): number {
    let n = 0;
    for (const g of this.generations.values()) n += g.size;
    return n;
  }

  /** A generation whose newest nonce is older than the TTL holds only stale nonces: nobody can use them any more. */
  private prune(now: number): void {
    const oldest = Math.floor((now - this.ttlMs) / this.ttlMs);
    for (const generation of this.generations.keys()) if (generation < oldest) this.generations.delete(generation);
  }
}
