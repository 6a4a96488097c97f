import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Logger } from '../logger.js';
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
}

/**
 * Accepts SIP-over-WebSocket upgrades on the HTTP server (RFC 7118 §4): the
 * client must offer the "sip" subprotocol and the server selects it; an
 * upgrade without it is refused, since the peer would not speak SIP.
 */
export class WsTransport {
  private readonly wss: WebSocketServer;

  constructor(private readonly options: WsTransportOptions) {
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
    const remote = { address: req.socket.remoteAddress ?? '0.0.0.0', port: req.socket.remotePort ?? 0 };
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const { flows, events } = this.options;
      const flow = new WsFlow(this.options.protocol, ws, remote, this.options.logger, {
        onMessage: events.onMessage,
        onClose: (closed) => {
          flows.remove(closed.id);
          events.onClose(closed);
        },
      }, this.options.idleTimeoutMs);
      flows.add(flow);
    });
    return true;
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
