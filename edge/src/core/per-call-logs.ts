/**
 * The logger (and request-route context) of one Call-ID, made once per call
 * rather than once per message: a call's INVITE, ACK, responses and BYE all
 * log with the same `callId` binding, and a pino child with redaction costs
 * an allocation per binding (docs/benchmarks.md, issue 14). Kept in the
 * project's bounded cache (contracts/expiring-cache.ts), because Call-IDs
 * come from the network: at most MAX_CALLS, the oldest forgotten first, and
 * none longer than KEEP_MS — a message after that only makes a new child.
 */
import { ExpiringCache } from '../../../contracts/expiring-cache.js';

const MAX_CALLS = 2048;
const KEEP_MS = 10 * 60_000;

export class PerCallLogs<T> {
  private readonly byCallId: ExpiringCache<string, T>;

  constructor(
    private readonly make: (callId: string) => T,
    maxCalls = MAX_CALLS,
  ) {
    this.byCallId = new ExpiringCache(KEEP_MS, maxCalls);
  }

  get size(): number {
    return this.byCallId.size;
  }

  for(callId: string): T {
    const known = this.byCallId.lookup(callId);
    if (known) return known.value;
    const made = this.make(callId);
    this.byCallId.set(callId, made);
    return made;
  }
}
