import type { SipRequest, SipResponse } from '../../../sip/index.js';
import type { Source } from '../../../contracts/transport.js';
import { ServerTransactionBase } from './server-transaction.js';
import { TIMER_J } from './timers.js';
import type { TransactionCore } from './transaction.js';

/** RFC 3261 Figure 8. */
export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export class NonInviteServerTransaction extends ServerTransactionBase<NonInviteServerState> {
  readonly kind = 'non-invite-server';

  constructor(id: string, request: SipRequest, source: Source, core: TransactionCore) {
    super(id, request, source, core, 'trying');
  }

  respond(res: SipResponse): boolean {
    if (this.state !== 'trying' && this.state !== 'proceeding') return this.refuse(res);
    this.send(res);
    if (res.status < 200) {
      this.lastProvisional = res;
      this.transition('proceeding');
    } else {
      this.lastFinal = res;
      this.transition('completed');
      // Timer J keeps the final around for request retransmissions (0 on reliable transports).
      this.startTimer('J', TIMER_J(this.core.settings, this.reliable), () => this.transition('terminated'));
    }
    return true;
  }

  receiveRetransmission(): void {
    // §17.2.2: Trying absorbs; Proceeding and Completed resend the latest response.
    if (this.state === 'proceeding' && this.lastProvisional) this.send(this.lastProvisional);
    else if (this.state === 'completed' && this.lastFinal) this.send(this.lastFinal);
  }
}
