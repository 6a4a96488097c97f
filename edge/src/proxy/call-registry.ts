import type { SipRequest } from '../../../sip/message.js';

/** What the request path needs of a call in progress: its CANCEL (RFC 3261 §9.2) and the BYE that ends it. */
export interface ProxiedCall {
  cancelFromCaller(): void;
  byeSeen(bye: SipRequest): void;
}

/**
 * The calls this edge is proxying: by INVITE server transaction (to find the
 * call a CANCEL is for, RFC 3261 §9.2) and by Call-ID (to see the BYE that
 * ends an answered call, for its CDR and its slots).
 */
export class CallRegistry {
  private readonly byTransaction = new Map<string, ProxiedCall>();
  private readonly byCallId = new Map<string, ProxiedCall>();

  add(transactionId: string, callId: string, call: ProxiedCall): void {
    this.byTransaction.set(transactionId, call);
    this.byCallId.set(callId, call);
  }

  forTransaction(transactionId: string): ProxiedCall | undefined {
    return this.byTransaction.get(transactionId);
  }

  forCallId(callId: string): ProxiedCall | undefined {
    return this.byCallId.get(callId);
  }

  removeTransaction(transactionId: string): void {
    this.byTransaction.delete(transactionId);
  }

  remove(callId: string, call: ProxiedCall): void {
    if (this.byCallId.get(callId) === call) this.byCallId.delete(callId);
    for (const [id, c] of this.byTransaction) if (c === call) this.byTransaction.delete(id);
  }

  get size(): number {
    return this.byCallId.size;
  }

  all(): ProxiedCall[] {
    return [...new Set(this.byCallId.values())];
  }
}
