import type { SipRequest, SipResponse } from '../../../sip/index.js';
import type { Destination } from '../../../contracts/transport.js';
import { ClientTransactionBase, type ClientTransactionHandlers } from './client-transaction.js';
import { createNon2xxAck } from './non-2xx-ack.js';
import { doubled, TIMER_A, TIMER_B, TIMER_D, TIMER_M } from './timers.js';
import type { TransactionCore } from './transaction.js';

/** RFC 3261 Figure 5 as amended by RFC 6026 Figure 3. */
export type InviteClientState = 'calling' | 'proceeding' | 'accepted' | 'completed' | 'terminated';

export class InviteClientTransaction extends ClientTransactionBase<InviteClientState> {
  readonly kind = 'invite-client';
  /** The ACK sent for a 300-699 response, kept to answer retransmitted finals. */
  private ack: SipRequest | undefined;

  constructor(id: string, request: SipRequest, destination: Destination, handlers: ClientTransactionHandlers, core: TransactionCore) {
    super(id, request, destination, handlers, core, 'calling');
  }

  start(): void {
    this.sendRequestNow();
    if (!this.reliable) this.scheduleTimerA(TIMER_A(this.core.settings));
    this.startTimer('B', TIMER_B(this.core.settings), () => this.timeOut());
  }

  protected get awaitingFinal(): boolean {
    return this.state === 'calling' || this.state === 'proceeding';
  }

  receiveResponse(res: SipResponse): void {
    if (this.awaitingFinal) {
      if (res.status < 200) {
        // §17.1.1.2: no more retransmissions once something came back; Timer B
        // only guards Calling (a ringing call is bounded by the proxy's Timer C).
        // A 'Linger' started by cancelTimers() keeps running.
        this.timers.stop('A', 'B');
        this.transition('proceeding');
      } else if (res.status < 300) {
        this.stopWaiting();
        this.transition('accepted');
        // RFC 6026 §8.4: linger so 2xx retransmissions (other forks too) reach the TU.
        this.startTimer('M', TIMER_M(this.core.settings), () => this.transition('terminated'));
      } else {
        this.stopWaiting();
        this.sendAck(res);
        this.transition('completed');
      }
      this.deliver(res);
      if (this.state === 'completed') this.startTimer('D', TIMER_D(this.core.settings, this.reliable), () => this.transition('terminated'));
      return;
    }
    if (this.state === 'accepted' && res.status >= 200 && res.status < 300) this.deliver(res);
    // §17.1.1.2: a retransmitted non-2xx final is answered with the same ACK, not passed up.
    else if (this.state === 'completed' && res.status >= 300) this.sendAck(res);
  }

  private sendAck(res: SipResponse): void {
    this.ack ??= createNon2xxAck(this.request, res);
    this.sendRequestNow(this.ack);
  }

  private scheduleTimerA(interval: number): void {
    this.startTimer('A', interval, () => {
      this.sendRequestNow();
      this.scheduleTimerA(doubled(interval));
    });
  }
}
