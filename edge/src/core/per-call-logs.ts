/**
 * The logger (and request-route context) of one Call-ID, made once per call
 * rather than once per message: a call's INVITE, ACK, responses and BYE all
 * log with the same `callId` binding, and a pino child with redaction costs
 * an allocation per binding (docs/benchmarks.md, issue 14). Bounded, because
 * Call-IDs come from the network: when full it starts again empty, which only
 * costs the next few calls a new child each.
 */
const MAX_CALLS = 2048;

export class PerCallLogs<T> {
  private readonly byCallId = new Map<string, T>();

  constructor(
    private readonly make: (callId: string) => T,
    private readonly maxCalls = MAX_CALLS,
  ) {}

  get size(): number {
    return this.byCallId.size;
  }

  for(callId: string): T {
    const known = this.byCallId.get(callId);
    if (known !== undefined) return known;
    const made = this.make(callId);
    if (this.byCallId.size >= this.maxCalls) this.byCallId.clear();
    this.byCallId.set(callId, made);
    return made;
  }
}
