import type { SipRequest, SipResponse } from '../../../sip/index.js';
import { isReliable, type Source } from '../../../contracts/transport.js';
import { Transaction, type TransactionCore, type TransactionState } from './transaction.js';

/**
 * What INVITE and non-INVITE server transactions share (RFC 3261 §17.2):
 * the request that created them, the source it came from (responses go back
 * there; the transport layer applies §18.2.2 / RFC 3581) and the last
 * provisional and final responses, which retransmissions are answered with.
 */
export abstract class ServerTransactionBase<S extends TransactionState> extends Transaction<S> {
  readonly reliable: boolean;
  /** performance.now() when the request arrived (a new transaction is made on arrival): the edge's own set-up time starts here. */
  readonly createdAt = performance.now();
  protected lastProvisional: SipResponse | undefined;
  protected lastFinal: SipResponse | undefined;

  protected constructor(
    id: string,
    readonly request: SipRequest,
    readonly source: Source,
    core: TransactionCore,
    initial: S,
  ) {
    super(id, core, initial);
    this.reliable = isReliable(source.protocol);
  }

  /** The most recent response handed to the transport. */
  get lastResponse(): SipResponse | undefined {
    return this.lastFinal ?? this.lastProvisional;
  }

  /**
   * Sends a response from the TU. Returns false (and sends nothing) when the
   * state machine does not allow it, e.g. a 487 after the 200 already went out.
   */
  abstract respond(res: SipResponse): boolean;

  /** A retransmission of the request that created this transaction. */
  abstract receiveRetransmission(): void;

  protected send(res: SipResponse): void {
    this.transmit(() => this.core.sendResponse(res, this.source));
  }

  protected refuse(res: SipResponse): false {
    this.core.logger.warn({ transaction: this.id, kind: this.kind, state: this.state, status: res.status }, 'response not allowed in this state; dropped');
    return false;
  }
}
