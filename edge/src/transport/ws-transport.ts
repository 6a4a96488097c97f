import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Logger } from '../logger.js';
import { IncompleteMessageTimer } from '../security/incomplete-message-timer.js';
import type { OriginPolicy } from '../security/origin-policy.js';
import type { SecurityGate } from '../security/security-gate.js';
import type { FlowRegistry } from './flow.js';
import { WsFlow, type WsFlowEvents } from './ws-flow.js';

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
  private readonly flowEvents: WsFlowEvents;

  constructor(private readonly options: WsTransportOptions) {
    const { flows, events } = options;
    this.flowEvents = {
      onMessage: events.onMessage,
      onClose: (closed) => {
        flows.remove(closed.id);
        events.onClose(closed);
      },
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
    // Slowloris: registered before the WebSocket's own listener, so a frame that completes in this chunk settles the clock after it starts.
    const incomplete = security ? new IncompleteMessageTimer(security.headerTimeoutMs, () => socket.destroy()) : undefined;
    if (incomplete) socket.on('data', () => incomplete.pending());
    // One close listener and one completion listener per flow, not one per purpose: each costs a closure (and a `once` wrapper) for the flow's life.
    if (admission || incomplete) {
      socket.once('close', () => {
        incomplete?.stop();
        if (admission) security!.releaseConnection(admission.address);
      });
    }
    const remote = { address: admission?.address ?? req.socket.remoteAddress ?? '0.0.0.0', port: req.socket.remotePort ?? 0 };
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const flow = new WsFlow(this.options.protocol, ws, remote, this.options.logger, this.flowEvents, this.options.idleTimeoutMs);
      this.options.flows.add(flow);
      if (incomplete) {
        const completed = () => incomplete.completed();
        for (const completion of ['message', 'ping', 'pong'] as const) ws.on(completion, completed);
      }
    });
    return true;
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
