import type { SipRequest, SipResponse } from '../../../sip/index.js';
import type { Destination, Source } from '../../../contracts/transport.js';
import type { ClientTransactionHandlers } from './client-transaction.js';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { resolveTimerSettings, systemClock, type Clock, type TimerSettings } from './timers.js';
import { clientTransactionKey, rfc2543ToTagMatches, serverTransactionKey } from './transaction-key.js';
import type { TransactionCore, TransactionLogger } from './transaction.js';

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;
export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;

export interface TransactionLayerOptions {
  sendRequest(req: SipRequest, dest: Destination): void | Promise<void>;
  /** The transport decides how the response reaches `source` (flow reuse, RFC 3581 rport, §18.2.2). */
  sendResponse(res: SipResponse, source: Source): void | Promise<void>;
  timers?: Partial<TimerSettings>;
  clock?: Clock;
  logger?: TransactionLogger;
}

export type ReceiveRequestResult =
  /** A new server transaction: the TU answers through `transaction.respond()`. */
  | { kind: 'new'; transaction: ServerTransaction }
  /** A retransmission, or the ACK of a non-2xx final: handled here, nothing for the TU. */
  | { kind: 'absorbed' }
  /** An ACK for a 2xx (no transaction, or RFC 6026 Accepted): the TU / proxy core handles it. */
  | { kind: 'ack' };

const silentLogger: TransactionLogger = { debug() {}, warn() {} };

/**
 * The transaction layer (RFC 3261 §17): matches messages to transactions,
 * creates them, and forgets them once they terminate.
 */
export class TransactionLayer {
  private readonly core: TransactionCore;
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly clients = new Map<string, ClientTransaction>();

  constructor(options: TransactionLayerOptions) {
    this.core = {
      settings: resolveTimerSettings(options.timers),
      clock: options.clock ?? systemClock,
      logger: options.logger ?? silentLogger,
      sendRequest: options.sendRequest,
      sendResponse: options.sendResponse,
    };
  }

  get serverTransactionCount(): number {
    return this.servers.size;
  }

  get clientTransactionCount(): number {
    return this.clients.size;
  }

  /** Throws when the request has no parseable Via (validate requests first). */
  receiveRequest(req: SipRequest, source: Source): ReceiveRequestResult {
    const match = serverTransactionKey(req);
    if (!match) throw new Error('request has no usable Via header');
    const existing = this.servers.get(match.key);
    const tx = existing && (!match.rfc2543 || rfc2543ToTagMatches(req, existing.request, existing.lastResponse)) ? existing : undefined;

    if (req.method === 'ACK') {
      // An ACK is never a transaction of its own (§17.2.3); unmatched it is the ACK of a 2xx.
      return tx instanceof InviteServerTransaction ? { kind: tx.receiveAck() } : { kind: 'ack' };
    }
    if (tx) {
      this.core.logger.debug({ transaction: tx.id, method: req.method }, 'request retransmission absorbed');
      tx.receiveRetransmission();
      return { kind: 'absorbed' };
    }
    const transaction: ServerTransaction =
      req.method === 'INVITE'
        ? new InviteServerTransaction(match.key, req, source, this.core)
        : new NonInviteServerTransaction(match.key, req, source, this.core);
    this.track(this.servers, transaction);
    return { kind: 'new', transaction };
  }

  /** The INVITE server transaction a CANCEL targets (RFC 3261 §9.2). */
  findInviteServerTransaction(cancel: SipRequest): InviteServerTransaction | undefined {
    const match = serverTransactionKey(cancel, 'INVITE');
    if (!match) return undefined;
    const tx = this.servers.get(match.key);
    if (!(tx instanceof InviteServerTransaction)) return undefined;
    if (match.rfc2543 && !rfc2543ToTagMatches(cancel, tx.request, tx.lastResponse)) return undefined;
    return tx;
  }

  /**
   * Delivers a response to its client transaction (§17.1.3). False for a stray
   * response, e.g. a 2xx retransmission after Timer M, which the proxy core
   * forwards statelessly (§16.7 step 5 / RFC 6026).
   */
  receiveResponse(res: SipResponse, source: Source): boolean {
    const key = clientTransactionKey(res);
    const tx = key === undefined ? undefined : this.clients.get(key);
    if (!tx) {
      this.core.logger.debug({ status: res.status, source }, 'response matches no client transaction');
      return false;
    }
    tx.receiveResponse(res);
    return true;
  }

  /**
   * Starts a client transaction for `req`, which must already carry its top
   * Via with a unique branch. Throws for ACK (a 2xx ACK is sent by the TU
   * without a transaction, §17.1.1.3) and for a branch already in use.
   */
  sendRequest(req: SipRequest, dest: Destination, handlers: ClientTransactionHandlers): ClientTransaction {
    if (req.method === 'ACK') throw new Error('ACK is not sent through a client transaction');
    const key = clientTransactionKey(req);
    if (key === undefined) throw new Error('request needs a top Via with a branch parameter');
    if (this.clients.has(key)) throw new Error('a client transaction with this branch and method already exists');
    const transaction: ClientTransaction =
      req.method === 'INVITE'
        ? new InviteClientTransaction(key, req, dest, handlers, this.core)
        : new NonInviteClientTransaction(key, req, dest, handlers, this.core);
    this.track(this.clients, transaction);
    transaction.start();
    return transaction;
  }

  /** Terminates every transaction (shutdown); no TU callbacks fire. */
  close(): void {
    for (const tx of [...this.servers.values(), ...this.clients.values()]) tx.terminate();
  }

  private track<T extends ServerTransaction | ClientTransaction>(map: Map<string, T>, tx: T): void {
    map.set(tx.id, tx);
    tx.on('terminated', () => {
      if (map.get(tx.id) === tx) map.delete(tx.id);
    });
  }
}
