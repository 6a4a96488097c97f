import type { InviteProxy } from './invite-proxy.js';

/**
 * The calls this edge is proxying: by INVITE server transaction (to find the
 * call a CANCEL is for, RFC 3261 §9.2) and by Call-ID (to see the BYE that
 * ends an answered call, for its CDR and its slots).
 */
export class CallRegistry {
  private readonly byTransaction = new Map<string, InviteProxy>();
  private readonly byCallId = new Map<string, InviteProxy>();

  add(transactionId: string, callId: string, call: InviteProxy): void {
    this.byTransaction.set(transactionId, call);
    this.byCallId.set(callId, call);
  }

  forTransaction(transactionId: string): InviteProxy | undefined {
    return this.byTransaction.get(transactionId);
  }

  forCallId(callId: string): InviteProxy | undefined {
    return this.byCallId.get(callId);
  }

  removeTransaction(transactionId: string): void {
    this.byTransaction.delete(transactionId);
  }

  remove(callId: string, call: InviteProxy): void {
    if (this.byCallId.get(callId) === call) this.byCallId.delete(callId);
    for (const [id, c] of this.byTransaction) if (c === call) this.byTransaction.delete(id);
  }

  get size(): number {
    return this.byCallId.size;
  }

  all(): InviteProxy[] {
    return [...new Set(this.byCallId.values())];
  }
}
