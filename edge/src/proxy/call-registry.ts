import type { SipRequest } from '../../../sip/message.js';
import type { InviteIdentity } from './merged-request.js';

/** What the request path needs of a call in progress: its CANCEL (RFC 3261 §9.2), the ACK that confirms it, the BYE that ends it, the merge check (§8.2.2.2). */
export interface ProxiedCall {
  /** The caller's INVITE as received: Call-ID, From tag, CSeq, branch. */
  readonly identity: InviteIdentity;
  cancelFromCaller(): void;
  byeSeen(bye: SipRequest): void;
  /** An ACK of this dialog passed the edge: the answer is confirmed (§13.2.2.4). */
  ackSeen(): void;
}

/**
 * The calls this edge is proxying: by INVITE server transaction (to find the
 * call a CANCEL is for, RFC 3261 §9.2) and by Call-ID (to see the BYE that
 * ends an answered call, for its CDR and its slots, and to refuse a new
 * INVITE that reuses the Call-ID, merged-request.ts). One Call-ID may name
 * several calls here at once — a call this edge owns and one it relays for
 * another edge — so a Call-ID maps to a set, and a call is told apart by its
 * caller's From tag.
 */
export class CallRegistry {
  private readonly byTransaction = new Map<string, ProxiedCall>();
  private readonly byCallId = new Map<string, Set<ProxiedCall>>();
  /** INVITE server transactions the caller cancelled before their call was forked (while authorize-call ran). */
  private readonly cancelledEarly = new Set<string>();

  /**
   * §9.2: a CANCEL for an INVITE with no final response yet, arriving
   * before the call exists here (its authorization still running): the
   * call is refused with 487 as soon as it would be forked (relay.ts).
   * `terminated` forgets it, for an INVITE that never got that far.
   */
  cancelBeforeFork(transactionId: string, terminated: (forget: () => void) => void): void {
    this.cancelledEarly.add(transactionId);
    terminated(() => this.cancelledEarly.delete(transactionId));
  }

  /** Whether the caller cancelled this INVITE before its call was forked (asked once). */
  takeEarlyCancel(transactionId: string): boolean {
    return this.cancelledEarly.delete(transactionId);
  }

  add(transactionId: string, call: ProxiedCall): void {
    this.byTransaction.set(transactionId, call);
    const { callId } = call.identity;
    const calls = this.byCallId.get(callId) ?? new Set();
    calls.add(call);
    this.byCallId.set(callId, calls);
  }

  forTransaction(transactionId: string): ProxiedCall | undefined {
    return this.byTransaction.get(transactionId);
  }

  /** Every call in progress with this Call-ID. */
  withCallId(callId: string): ProxiedCall[] {
    return [...(this.byCallId.get(callId) ?? [])];
  }

  /** The calls an in-dialog request belongs to: its Call-ID, and the caller's tag as its From tag (caller's request) or To tag (callee's). */
  forDialog(callId: string, fromTag: string | undefined, toTag: string | undefined): ProxiedCall[] {
    return this.withCallId(callId).filter((c) => c.identity.fromTag === fromTag || c.identity.fromTag === toTag);
  }

  removeTransaction(transactionId: string): void {
    this.byTransaction.delete(transactionId);
  }

  remove(call: ProxiedCall): void {
    const { callId } = call.identity;
    const calls = this.byCallId.get(callId);
    if (calls?.delete(call) && calls.size === 0) this.byCallId.delete(callId);
    for (const [id, c] of this.byTransaction) if (c === call) this.byTransaction.delete(id);
  }

  get size(): number {
    let n = 0;
    for (const calls of this.byCallId.values()) n += calls.size;
    return n;
  }

  all(): ProxiedCall[] {
    return [...this.byCallId.values()].flatMap((calls) => [...calls]);
  }
}
