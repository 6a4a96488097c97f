/**
 * Per-address limits on the requests the functions authenticate (REGISTER,
 * INVITE, MESSAGE …), a step of the edge's request route
 * (edge/src/core/steps/authentication.ts):
 *
 * - at most `concurrent` of one address's requests are with the functions at
 *   once; the rest wait in line (at most `queued`, beyond that 503). A
 *   cracker that pipelines dozens of guesses thus has them judged a few at a
 *   time, and once its failures ban it, the guesses still waiting are never
 *   judged: it cannot reach a password a few dozen guesses down its list.
 * - a request that waited in line longer than `maxWaitMs` gets 503 with
 *   Retry-After instead (RFC 3261 §21.5.4; the overload control of RFC
 *   6357 §4: reject early rather than serve late). Judged late, a call
 *   would take its slots after its caller gave up, and an overload would
 *   feed itself: the functions busy with work nobody waits for.
 * - every failed authentication a function reports is counted by the gate
 *   (noteAuthFailure), which bans the address on this edge at once; the
 *   function's ban in the store reaches every other edge.
 *
 * Whitelisted addresses (a NAT'd office, a carrier) are not limited.
 */
import { normalizeAddress } from '../../../contracts/fail-to-ban/address-set.js';
import type { AuthOutcome, SipReply } from '../../../contracts/function-events.js';
import type { SecuritySettings } from '../../../contracts/settings/edge-settings.js';
import type { SecurityGate } from './security-gate.js';

/** A request in line: admitted (true) when a judge is free, refused (false) when it waited too long. */
interface Waiter {
  settle(admitted: boolean): void;
  timer?: NodeJS.Timeout;
  /** Refused already (its wait ran out): the line skips it. */
  gone: boolean;
}

interface Lane {
  running: number;
  waiting: Waiter[];
  /** Waiters not gone: what `queued` bounds. */
  live: number;
}

/** A judgement by the functions, or the reply the edge sends instead. */
export type Judged<T> = { judged: true; result: T } | { judged: false; reply: SipReply };

/** RFC 3261 §21.5.4: overloaded for this sender; come back later. */
const OVERLOADED: SipReply = { status: 503, reason: 'Service Unavailable', headers: [{ name: 'Retry-After', value: '5' }] };
const FORBIDDEN: SipReply = { status: 403, reason: 'Forbidden', headers: [] };

export class AuthenticationGuard {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly gate: SecurityGate,
    private readonly limits: SecuritySettings['authPerAddress'],
  ) {}

  /** Runs `judge` (a function call that authenticates) in the lane of `address`. */
  async judge<T extends { auth?: { outcome?: AuthOutcome; countsForBan?: false } }>(rawAddress: string, judge: () => Promise<T>): Promise<Judged<T>> {
    const address = normalizeAddress(rawAddress);
    if (this.gate.isWhitelisted(address)) return { judged: true, result: await judge() };
    if (!(await this.acquire(address))) return { judged: false, reply: OVERLOADED };
    try {
      // Its earlier guesses got it banned while this one waited: never judged (and the edge sends nothing to it).
      if (this.gate.isBanned(address)) return { judged: false, reply: FORBIDDEN };
      const result = await judge();
      if (result.auth?.outcome === 'failed' && result.auth.countsForBan !== false) this.gate.noteAuthFailure(address);
      return { judged: true, result };
    } finally {
      this.release(address);
    }
  }

  /** Requests of this address with the functions or waiting (tests). */
  pending(address: string): number {
    const lane = this.lanes.get(normalizeAddress(address));
    return lane ? lane.running + lane.live : 0;
  }

  private acquire(address: string): Promise<boolean> {
    let lane = this.lanes.get(address);
    if (!lane) {
      lane = { running: 0, waiting: [], live: 0 };
      this.lanes.set(address, lane);
    }
    if (lane.running < this.limits.concurrent) {
      lane.running++;
      return Promise.resolve(true);
    }
    if (lane.live >= this.limits.queued) return Promise.resolve(false);
    const queued = lane;
    return new Promise((resolve) => {
      const waiter: Waiter = { settle: resolve, gone: false };
      const { maxWaitMs } = this.limits;
      if (maxWaitMs !== undefined && maxWaitMs > 0) {
        waiter.timer = setTimeout(() => {
          // Left in the array (a splice per expiry would cost O(n) in a long line); release() skips it.
          waiter.gone = true;
          queued.live--;
          resolve(false);
        }, maxWaitMs);
        waiter.timer.unref();
      }
      queued.waiting.push(waiter);
      queued.live++;
    });
  }

  private release(address: string): void {
    const lane = this.lanes.get(address);
    if (!lane) return;
    for (let next = lane.waiting.shift(); next; next = lane.waiting.shift()) {
      if (next.gone) continue;
      if (next.timer) clearTimeout(next.timer);
      lane.live--;
      next.settle(true); // the judge passes to the next in line
      return;
    }
    lane.running--;
    if (lane.running === 0) this.lanes.delete(address);
  }
}
