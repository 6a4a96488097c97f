import type { SipRequest, SipResponse } from '../../../sip/index.js';
import type { Destination } from '../../../contracts/transport.js';
import { ClientTransactionBase, type ClientTransactionHandlers } from './client-transaction.js';
import { doubled, TIMER_E, TIMER_F, TIMER_K } from './timers.js';
import type { TransactionCore } from './transaction.js';

/** RFC 3261 Figure 6. */
export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export class NonInviteClientTransaction extends ClientTransactionBase<NonInviteClientState> {
  readonly kind = 'non-invite-client';

  constructor(id: string, request: SipRequest, destination: Destination, handlers: ClientTransactionHandlers, core: TransactionCore) {
    super(id, request, destination, handlers, core, 'trying');
  }

  start(): void {
    this.sendRequestNow();
    if (!this.reliable) this.scheduleTimerE(TIMER_E(this.core.settings));
    this.startTimer('F', TIMER_F(this.core.settings), () => this.timeOut());
  }

  protected get awaitingFinal(): boolean {
    return this.state === 'trying' || this.state === 'proceeding';
  }

  receiveResponse(res: SipResponse): void {
    // §17.1.2.2: Completed absorbs retransmitted responses.
    if (!this.awaitingFinal) return;
    if (res.status < 200) {
      this.transition('proceeding');
      this.deliver(res);
      return;
    }
    this.stopWaiting();
    this.transition('completed');
    this.deliver(res);
    // Timer K keeps absorbing response retransmissions (0 on reliable transports).
    this.startTimer('K', TIMER_K(this.core.settings, this.reliable), () => this.transition('terminated'));
  }

  private scheduleTimerE(interval: number): void {
    this.startTimer('E', interval, () => {
      this.sendRequestNow();
      // §17.1.2.2: doubling up to T2 while Trying; a flat T2 once Proceeding.
      const next = this.state === 'proceeding' ? this.core.settings.T2 : doubled(interval, this.core.settings.T2);
      this.scheduleTimerE(next);
    });
  }
}
