import { getHeader, parseMessage, validateRequest, validateResponse } from '../../../sip/index.js';
import type { EdgeIdentity } from '../../../functions/src/contracts.js';
import type { Invoker } from '../invoker/invoker.js';
import type { Logger } from '../logger.js';
import { TransactionLayer } from '../transaction/index.js';
import type { Flow } from '../transport/flow.js';
import { TransportLayer } from '../transport/transport-layer.js';
import type { Source } from '../transport/types.js';
import { stampReceived } from '../transport/via-received.js';
import { routeRequest, type RouterContext } from './request-router.js';
import { replyStatelessly } from './stateless-reply.js';

export interface SipEdgeOptions {
  identity: EdgeIdentity;
  invoker: Invoker;
  logger: Logger;
  bind: string;
  sipPort: number;
  tlsPort?: number;
  tls?: { cert: Buffer; key: Buffer };
  wsSecure: boolean;
  idleTimeoutMs: number;
  maxMessageBytes?: number;
}

/**
 * The SIP edge: transports (RFC 3261 §18) → transactions (§17) → request
 * router. Everything that arrives goes through `receive`, which never throws:
 * a malformed message is answered with 400 when possible and dropped otherwise.
 */
export class SipEdge {
  readonly transport: TransportLayer;
  readonly transactions: TransactionLayer;
  private readonly router: RouterContext;
  private stopping = false;

  constructor(private readonly options: SipEdgeOptions) {
    const { logger } = options;
    this.transport = new TransportLayer({
      bind: options.bind,
      sipPort: options.sipPort,
      tlsPort: options.tlsPort,
      tls: options.tls,
      wsSecure: options.wsSecure,
      idleTimeoutMs: options.idleTimeoutMs,
      maxMessageBytes: options.maxMessageBytes ?? 65_535,
      logger,
      events: {
        onMessage: (data, source) => this.receive(data, source),
        onFlowClosed: (flow) => this.flowClosed(flow),
      },
    });
    this.transactions = new TransactionLayer({
      sendRequest: (req, dest) => this.transport.sendRequest(req, dest),
      sendResponse: (res, source) => this.transport.sendResponse(res, source),
      logger,
    });
    this.router = {
      identity: options.identity,
      invoker: options.invoker,
      transactions: this.transactions,
      logger,
      registeredFlows: new Set(),
    };
  }

  get identity(): EdgeIdentity {
    return this.options.identity;
  }

  async start(): Promise<void> {
    await this.transport.listen();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.transport.close();
  }

  receive(data: Buffer, source: Source): void {
    try {
      this.receiveMessage(data, source);
    } catch (err) {
      // Last line of defence: nothing a peer sends may take the edge down.
      this.options.logger.error({ err, source }, 'unexpected error while receiving a message');
    }
  }

  private receiveMessage(data: Buffer, source: Source): void {
    const { logger } = this.options;
    const parsed = parseMessage(data, { maxMessageBytes: this.options.maxMessageBytes ?? 65_535 });
    if (!parsed.ok) {
      if (parsed.request && parsed.request.method !== 'ACK' && stampReceived(parsed.request, source)) {
        replyStatelessly(this.transport, parsed.request, source, 400, parsed.error);
      }
      logger.debug({ source, error: parsed.error, bytes: data.length }, 'malformed message');
      return;
    }
    const message = parsed.message;
    if (message.kind === 'response') {
      if (validateResponse(message) !== undefined || !this.transactions.receiveResponse(message, source)) {
        logger.debug({ source, status: message.status }, 'stray response dropped');
      }
      return;
    }
    const invalid = validateRequest(message);
    if (invalid !== undefined || !stampReceived(message, source)) {
      // RFC 3261 §8.1.3.3-ish: never answer an ACK; answer anything else we can route back.
      if (message.method !== 'ACK' && stampReceived(message, source)) {
        replyStatelessly(this.transport, message, source, 400, invalid ?? 'Malformed Via header');
      }
      logger.debug({ source, method: message.method, error: invalid }, 'invalid request');
      return;
    }
    logger.debug({ source, method: message.method, callId: getHeader(message, 'Call-ID') }, 'request');
    const outcome = this.transactions.receiveRequest(message, source);
    if (outcome.kind === 'new') void routeRequest(this.router, outcome.transaction, message, source);
  }

  private flowClosed(flow: Flow): void {
    if (this.stopping || !this.router.registeredFlows.delete(flow.id)) return;
    this.options.invoker
      .invoke('flow-closed', { type: 'flow-closed', edge: this.options.identity, flowId: flow.id })
      .then(
        (result) => this.options.logger.debug({ flow: flow.id, removed: result.removedBindings }, 'flow closed'),
        (err) => this.options.logger.warn({ err, flow: flow.id }, 'flow-closed function failed'),
      );
  }
}
