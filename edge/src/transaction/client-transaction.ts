import type { SipRequest, SipResponse } from '../../../sip/index.js';
import { isReliable, type Destination } from '../../../contracts/transport.js';
import type { TimerName } from './transaction-timers.js';
import { Transaction, type TransactionCore, type TransactionState } from './transaction.js';

/** How a client transaction reports to its TU (RFC 3261 §17.1). */
export interface ClientTransactionHandlers {
  /** Responses the TU must see: provisionals, the first final, and (RFC 6026) 2xx retransmissions. */
  onResponse(res: SipResponse): void;
  /** Timer B / Timer F fired; the TU synthesizes a 408 (RFC 3261 §8.1.3.1, §16.7 step 2). */
  onTimeout(): void;
  onTransportError(error: unknown): void;
}

/** The timers that keep a client transaction waiting for its final response. */
const WAITING_TIMERS: TimerName[] = ['A', 'B', 'E', 'F', 'Linger'];

/**
 * What INVITE and non-INVITE client transactions share: the request, where
 * it goes, the TU's handlers, and retransmission over unreliable transports.
 */
export abstract class ClientTransactionBase<S extends TransactionState> extends Transaction<S> {
  readonly reliable: boolean;

  protected constructor(
    id: string,
    readonly request: SipRequest,
    readonly destination: Destination,
    protected readonly handlers: ClientTransactionHandlers,
    core: TransactionCore,
    initial: S,
  ) {
    super(id, core, initial);
    this.reliable = isReliable(destination.protocol);
  }

  /** Sends the request and starts the state machine's timers. */
  abstract start(): void;

  /** A response whose branch and CSeq method matched this transaction (§17.1.3). */
  abstract receiveResponse(res: SipResponse): void;

  /**
   * Stops retransmitting and stops the Timer B/F timeout: the TU has taken
   * over the timing (after sending a CANCEL, RFC 3261 §9.1; proxy Timer C,
   * §16.8). The transaction still handles late responses (a 487 gets its
   * ACK) and, as §9.1 suggests, is destroyed silently 64*T1 later if no final
   * response arrives. No effect once a final response was received.
   */
  cancelTimers(): void {
    if (!this.awaitingFinal) return;
    this.timers.stop(...WAITING_TIMERS);
    this.startTimer('Linger', 64 * this.core.settings.T1, () => this.transition('terminated' as S));
  }

  protected abstract get awaitingFinal(): boolean;

  /** Leaves the waiting phase: no more request retransmissions or timeouts. */
  protected stopWaiting(): void {
    this.timers.stop(...WAITING_TIMERS);
  }

  protected sendRequestNow(req: SipRequest = this.request): void {
    this.transmit(() => this.core.sendRequest(req, this.destination));
  }

  protected deliver(res: SipResponse): void {
    this.guard('onResponse', () => this.handlers.onResponse(res));
  }

  protected timeOut(): void {
    this.core.logger.debug({ transaction: this.id, kind: this.kind, state: this.state }, 'client transaction timed out');
    this.guard('onTimeout', () => this.handlers.onTimeout());
    this.emit('timeout');
    this.transition('terminated' as S);
  }

  protected override failTransport(error: unknown): void {
    if (this.isTerminated) return;
    this.guard('onTransportError', () => this.handlers.onTransportError(error));
    super.failTransport(error);
  }
}
