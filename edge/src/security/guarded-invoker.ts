/**
 * The edge's calls to the functions that authenticate (register,
 * authorize-call), guarded per source address:
 *
 * - at most `concurrent` of one address's requests are with the functions at
 *   once; the rest wait in line (at most `queued`, beyond that 503). A
 *   cracker that pipelines dozens of guesses thus has them judged a few at a
 *   time, and once its failures ban it, the guesses still waiting are never
 *   judged: it cannot reach a password a few dozen guesses down its list.
 * - every failed authentication a function reports is counted by the gate
 *   (noteAuthFailure), which bans the address on this edge at once; the
 *   function's ban in the store reaches every other edge.
 *
 * Whitelisted addresses (a NAT'd office, a carrier) are not limited.
 * Everything else passes straight to the wrapped invoker.
 */
import type { AuthOutcome, FunctionEvents, FunctionName, FunctionResults, SipReply } from '../../../contracts/function-events.js';
import { normalizeAddress } from '../../../contracts/fail-to-ban/address-set.js';
import type { Invoker } from '../invoker/invoker.js';
import type { Source } from '../../../contracts/transport.js';
import type { SecurityGate } from './security-gate.js';

export interface AuthLimits {
  /** Requests of one address being authenticated at once. */
  concurrent: number;
  /** Requests of one address waiting for their turn; more are answered 503. */
  queued: number;
}

interface Lane {
  running: number;
  waiting: Array<() => void>;
}

type Guarded = 'register' | 'authorize-call';

function isGuarded(name: FunctionName): name is Guarded {
  return name === 'register' || name === 'authorize-call';
}

/** What a guarded function answers when the edge decides instead of it. */
function refusal<N extends Guarded>(name: N, reply: SipReply): FunctionResults[N] {
  const result = name === 'register' ? { reply } : { decision: 'reply' as const, reply };
  return result as FunctionResults[N];
}

function outcomeOf(result: unknown): AuthOutcome | undefined {
  const auth = (result as { auth?: { outcome?: AuthOutcome } } | null)?.auth;
  return auth?.outcome;
}

export class GuardedInvoker implements Invoker {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly inner: Invoker,
    private readonly gate: SecurityGate,
    private readonly limits: AuthLimits,
  ) {}

  async invoke<N extends FunctionName>(name: N, event: FunctionEvents[N]): Promise<FunctionResults[N]> {
    if (!isGuarded(name)) return this.inner.invoke(name, event);
    const source = (event as { source?: Source }).source;
    if (!source) return this.inner.invoke(name, event);
    const address = normalizeAddress(source.address);
    if (this.gate.isWhitelisted(address)) return this.inner.invoke(name, event);

    if (!(await this.acquire(address))) {
      // RFC 3261 §21.5.4: overloaded for this sender; come back later.
      return refusal(name, { status: 503, reason: 'Service Unavailable', headers: [{ name: 'Retry-After', value: '5' }] });
    }
    try {
      // Its earlier guesses got it banned while this one waited: never judged (and the edge sends nothing to it).
      if (this.gate.isBanned(address)) return refusal(name, { status: 403, reason: 'Forbidden', headers: [] });
      const result = await this.inner.invoke(name, event);
      if (outcomeOf(result) === 'failed') this.gate.noteAuthFailure(address);
      return result;
    } finally {
      this.release(address);
    }
  }

  /** Requests of this address with the functions or waiting (tests). */
  pending(address: string): number {
    const lane = this.lanes.get(normalizeAddress(address));
    return lane ? lane.running + lane.waiting.length : 0;
  }

  private acquire(address: string): Promise<boolean> {
    let lane = this.lanes.get(address);
    if (!lane) {
      lane = { running: 0, waiting: [] };
      this.lanes.set(address, lane);
    }
    if (lane.running < this.limits.concurrent) {
      lane.running++;
      return Promise.resolve(true);
    }
    if (lane.waiting.length >= this.limits.queued) return Promise.resolve(false);
    const queued = lane;
    return new Promise((resolve) => queued.waiting.push(() => resolve(true)));
  }

  private release(address: string): void {
    const lane = this.lanes.get(address);
    if (!lane) return;
    const next = lane.waiting.shift();
    if (next) {
      next(); // the slot passes to the next in line
      return;
    }
    lane.running--;
    if (lane.running === 0) this.lanes.delete(address);
  }
}
