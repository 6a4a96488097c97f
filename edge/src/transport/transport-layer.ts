import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { serializeMessage } from '../../../sip/index.js';
import type { SipRequest, SipResponse } from '../../../sip/message.js';
import type { Logger } from '../logger.js';
import type { OriginPolicy } from '../security/origin-policy.js';
import type { SecurityGate } from '../security/security-gate.js';
import { FlowRegistry, type Flow } from './flow.js';
import { responseDestination } from './response-route.js';
import type { SipCapture } from './sip-capture.js';
import { StreamTransport } from './stream-transport.js';
import type { Destination, HostPort, Source, TransportProtocol } from '../../../contracts/transport.js';
import { UdpTransport } from './udp-transport.js';
import { WsTransport } from './ws-transport.js';

export interface TransportEvents {
  /** Raw bytes of one SIP message and where they really came from. */
  onMessage(data: Buffer, source: Source): void;
  /** A TCP/TLS/WebSocket flow is gone; bindings reached through it are dead. */
  onFlowClosed(flow: Flow): void;
}

export interface TransportLayerOptions {
  bind: string;
  sipPort: number;
  tlsPort?: number;
  tls?: { cert: Buffer; key: Buffer };
  /** CAs trusted for outbound TLS besides the system's (PBX_TRUNK_CA_FILE). */
  clientCa?: readonly string[];
  /** WebSocket flows are plain ws:// unless the HTTP server is HTTPS. */
  wsSecure: boolean;
  idleTimeoutMs: number;
  maxMessageBytes: number;
  logger: Logger;
  events: TransportEvents;
  /** Bans, connection caps and slow-sender timeouts (edge/src/security); none = accept everything. */
  security?: SecurityGate;
  /** Web pages allowed to open WebSocket flows (Origin); none = any. */
  wsOrigins?: OriginPolicy;
  /** Gets a copy of every message sent (HEP capture, edge/src/ops); none = no copies. */
  capture?: SipCapture;
}

/**
 * RFC 3261 §18 for the edge: owns every listener and flow, and knows how to
 * get a request or a response to its destination. The transaction layer and
 * the core above see only `sendRequest` / `sendResponse` and Source/Destination.
 */
/** Ports tried when the system's pick for UDP is taken for TCP. */
const MAX_PORT_ATTEMPTS = 20;

export class TransportLayer {
  readonly flows = new FlowRegistry();
  private readonly udp: UdpTransport;
  private readonly tcp: StreamTransport;
  private readonly tls: StreamTransport;
  readonly ws: WsTransport;
  private readonly bound = new Map<TransportProtocol, HostPort>();

  constructor(private readonly options: TransportLayerOptions) {
    const { logger, events, idleTimeoutMs, security } = options;
    const streamEvents = { onMessage: events.onMessage, onClose: events.onFlowClosed };
    // A new ban closes the banned address's open connections.
    security?.attachFlows(this.flows);
    this.udp = new UdpTransport(logger, events.onMessage);
    this.tcp = new StreamTransport({ protocol: 'tcp', logger, flows: this.flows, events: streamEvents, idleTimeoutMs, security });
    // Always there: a TLS trunk needs outbound TLS even when the edge has no certificate to listen with.
    this.tls = new StreamTransport({
      protocol: 'tls', logger, flows: this.flows, events: streamEvents, idleTimeoutMs, security,
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.clientCa ? { clientCa: options.clientCa } : {}),
    });
    this.ws = new WsTransport({
      protocol: options.wsSecure ? 'wss' : 'ws',
      path: '/ws',
      logger,
      flows: this.flows,
      events: streamEvents,
      idleTimeoutMs,
      maxPayloadBytes: options.maxMessageBytes,
      security,
          ...(options.wsOrigins ? { origins: options.wsOrigins } : {}),
    });
  }

  /**
   * UDP and TCP share one port (RFC 3261 §18: a server MUST listen on both).
   * With port 0 the system picks UDP's; when TCP is taken on that number
   * another one is tried.
   */
  async listen(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const udp = await this.udp.listen(this.options.bind, this.options.sipPort);
      try {
        this.bound.set('tcp', await this.tcp.listen(this.options.bind, udp.port));
        this.bound.set('udp', udp);
        break;
      } catch (err) {
        await this.udp.close();
        const taken = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (this.options.sipPort !== 0 || !taken || attempt >= MAX_PORT_ATTEMPTS) throw err;
      }
    }
    if (this.options.tls && this.options.tlsPort !== undefined) {
      this.bound.set('tls', await this.tls.listen(this.options.bind, this.options.tlsPort));
    }
  }

  /** The address a listener is bound to (after listen; port 0 resolves to the real port). */
  local(protocol: TransportProtocol): HostPort | undefined {
    return this.bound.get(protocol);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return this.ws.handleUpgrade(req, socket, head);
  }

  sendResponse(res: SipResponse, source: Source): void {
    const flowOpen = this.flows.get(source.flowId) !== undefined;
    const dest = responseDestination(res, source, flowOpen);
    if (!dest) {
      this.options.logger.debug({ status: res.status, source }, 'response undeliverable: flow closed');
      return;
    }
    this.send(serializeMessage(res), dest);
  }

  sendRequest(req: SipRequest, dest: Destination): void {
    this.send(serializeMessage(req), dest);
  }

  private send(data: string, dest: Destination): void {
    // A banned address gets nothing — not even the answer to a guess that was already in flight when the ban landed.
    if (this.options.security?.isBanned(dest.address)) {
      this.options.logger.debug({ dest }, 'not sending to a banned address');
      return;
    }
    this.options.capture?.sent(data, dest);
    if (dest.protocol === 'udp') {
      this.udp.send(data, dest);
      return;
    }
    const flow = this.flows.get(dest.flowId) ?? this.flows.findByRemote(dest.protocol, dest);
    if (flow) {
      flow.send(data);
      return;
    }
    const stream = dest.protocol === 'tcp' ? this.tcp : dest.protocol === 'tls' ? this.tls : undefined;
    if (!stream) {
      this.options.logger.debug({ dest }, 'no flow to destination');
      return;
    }
    stream.connect(dest).then(
      (opened) => opened.send(data),
      // A refused carrier certificate lands here: worth a warning, it is an attack or a misconfiguration.
      (err) => this.options.logger[dest.protocol === 'tls' ? 'warn' : 'debug']({ err, dest }, 'connect failed'),
    );
  }

  async close(): Promise<void> {
    this.ws.close();
    this.flows.closeAll('shutdown');
    await Promise.all([this.udp.close(), this.tcp.close(), this.tls.close()]);
  }
}
