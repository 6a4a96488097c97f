import { createResponse, type SipRequest, type SipResponse } from '../../../sip/index.js';
import type { Source } from '../../../contracts/transport.js';
import { ServerTransactionBase } from './server-transaction.js';
import { doubled, TIMER_G, TIMER_H, TIMER_I, TIMER_L, TRYING_DELAY } from './timers.js';
import type { TransactionCore } from './transaction.js';

/** RFC 3261 Figure 7 as amended by RFC 6026 Figure 5. */
export type InviteServerState = 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

/** What the layer should do with an ACK that matched this transaction. */
export type AckDisposition = 'absorbed' | 'ack';

export class InviteServerTransaction extends ServerTransactionBase<InviteServerState> {
  readonly kind = 'invite-server';

  constructor(id: string, request: SipRequest, source: Source, core: TransactionCore) {
    super(id, request, source, core, 'proceeding');
    // §17.2.1: answer 100 (Trying) ourselves unless the TU sends a provisional
    // or final response within 200 ms, so the client stops retransmitting.
    this.startTimer('Trying', TRYING_DELAY, () => this.send100Trying());
  }

  respond(res: SipResponse): boolean {
    if (this.state === 'proceeding') {
      this.timers.stop('Trying');
      if (res.status < 200) {
        this.lastProvisional = res;
        this.send(res);
      } else {
        this.lastFinal = res;
        this.send(res);
        if (res.status < 300) this.enterAccepted();
        else this.enterCompleted();
      }
      return true;
    }
    // RFC 6026 §8.6: the TU (a UAS core or proxy) retransmits 2xx itself.
    if (this.state === 'accepted' && res.status >= 200 && res.status < 300) {
      this.lastFinal = res;
      this.send(res);
      return true;
    }
    return this.refuse(res);
  }

  receiveRetransmission(): void {
    // §17.2.1: Proceeding resends the latest provisional, Completed the final;
    // RFC 6026 §8.7: Accepted absorbs (the 2xx is the TU's job); Confirmed absorbs.
    if (this.state === 'proceeding' && this.lastProvisional) this.send(this.lastProvisional);
    else if (this.state === 'completed' && this.lastFinal) this.send(this.lastFinal);
  }

  /** An ACK with this transaction's key (the hop-by-hop ACK of a non-2xx, or a 2xx ACK reusing the branch). */
  receiveAck(): AckDisposition {
    if (this.state === 'accepted') return 'ack'; // RFC 6026 §8.7: passed to the TU
    if (this.state === 'completed') {
      this.timers.stop('G', 'H');
      this.transition('confirmed');
      this.startTimer('I', TIMER_I(this.core.settings, this.reliable), () => this.transition('terminated'));
    }
    return 'absorbed';
  }

  private send100Trying(): void {
    if (this.state !== 'proceeding' || this.lastProvisional) return;
    this.lastProvisional = createResponse(this.request, 100);
    this.send(this.lastProvisional);
  }

  private enterAccepted(): void {
    this.transition('accepted');
    this.startTimer('L', TIMER_L(this.core.settings), () => this.transition('terminated'));
  }

  private enterCompleted(): void {
    this.transition('completed');
    if (!this.reliable) this.scheduleTimerG(TIMER_G(this.core.settings));
    this.startTimer('H', TIMER_H(this.core.settings), () => {
      // §17.2.1: the ACK never came.
      this.emit('timeout');
      this.transition('terminated');
    });
  }

  private scheduleTimerG(interval: number): void {
    this.startTimer('G', interval, () => {
      if (this.state !== 'completed' || !this.lastFinal) return;
      this.send(this.lastFinal);
      this.scheduleTimerG(doubled(interval, this.core.settings.T2));
    });
  }
}
