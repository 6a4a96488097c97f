import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Logger } from '../logger.js';
import type { OriginPolicy } from '../security/origin-policy.js';
import type { SecurityGate } from '../security/security-gate.js';
import type { FlowRegistry } from './flow.js';
import { IdleSweep } from './idle-sweep.js';
import { WsFlow, type WsFlowContext, type WsFlowEvents } from './ws-flow.js';

export interface WsTransportOptions {
  protocol: 'ws' | 'wss';
  path: string;
  logger: Logger;
  flows: FlowRegistry;
  events: WsFlowEvents;
  idleTimeoutMs: number;
  maxPayloadBytes: number;
  /** Bans, per-address cap, trusted-proxy X-Forwarded-For and slow-sender timeout (edge/src/security). */
  security?: SecurityGate;
  /** Which web pages may connect (Origin, edge/src/security/origin-policy.ts); none = any. */
  origins?: OriginPolicy;
}

/**
 * Accepts SIP-over-WebSocket upgrades on the HTTP server (RFC 7118 §4): the
 * client must offer the "sip" subprotocol and the server selects it; an
 * upgrade without it is refused, since the peer would not speak SIP.
 */
export class WsTransport {
  private readonly wss: WebSocketServer;
  /** Shared by every flow: a flow lives for hours, so per-flow closures and objects add up (issue 14: ≤ 8 kB per idle flow). */
  private readonly context: WsFlowContext;

  constructor(private readonly options: WsTransportOptions) {
    const { flows, events, security } = options;
    this.context = {
      logger: options.logger,
      events: {
        onMessage: events.onMessage,
        onClose: (closed) => {
          flows.remove(closed.id);
          events.onClose(closed);
        },
      },
      idle: new IdleSweep(options.idleTimeoutMs),
      ...(security ? { releaseConnection: (address: string) => security.releaseConnection(address) } : {}),
    };
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes,
      handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    });
  }

  /** Returns false when the request is not for this transport (the HTTP server then answers 404). */
  get protocol(): 'ws' | 'wss' {
    return this.options.protocol;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (path !== this.options.path) return false;
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim().toLowerCase());
    if (!offered.includes('sip')) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nSec-WebSocket-Protocol must offer "sip" (RFC 7118)\n');
      return true;
    }
    const origin = req.headers.origin;
    if (this.options.origins && !this.options.origins.admits(origin, req.headers.host)) {
      this.options.logger.info({ origin, address: req.socket.remoteAddress }, 'websocket upgrade refused: origin not allowed');
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nOrigin not allowed (PBX_WS_ORIGINS)\n');
      return true;
    }
    const { security } = this.options;
    // The client's address: the peer's, or X-Forwarded-For's when the peer is a trusted proxy.
    const admission = security?.admitUpgrade(req);
    if (admission && !admission.admitted) {
      this.options.logger.debug({ address: admission.address, reason: admission.reason }, 'websocket upgrade refused');
      socket.destroy(); // a banned address gets nothing, not even an HTTP status
      return true;
    }
    const remote = { address: admission?.address ?? req.socket.remoteAddress ?? '0.0.0.0', port: req.socket.remotePort ?? 0 };
    // The flow watches the socket from here on: slow-sender clock (edge/src/security) and the connection slot, handshake included.
    const flow = new WsFlow(this.options.protocol, remote, this.context, admission?.address, security?.headerTimeoutMs);
    flow.watch(socket);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      flow.attach(ws);
      this.options.flows.add(flow);
    });
    return true;
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.context.idle.stop();
  }
}
