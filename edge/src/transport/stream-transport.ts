import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../logger.js';
import type { SecurityGate } from '../security/security-gate.js';
import { StreamFlow, type StreamFlowEvents } from './stream-flow.js';
import type { FlowRegistry } from './flow.js';
import type { Destination, HostPort } from '../../../contracts/transport.js';
import { clientTlsOptions } from './trunk-trust.js';

export interface StreamTransportOptions {
  protocol: 'tcp' | 'tls';
  logger: Logger;
  flows: FlowRegistry;
  events: StreamFlowEvents;
  idleTimeoutMs: number;
  tls?: { cert: Buffer; key: Buffer };
  /** CAs trusted for connections this side opens, besides the system's (PBX_TRUNK_CA_FILE, trunk-trust.ts). */
  clientCa?: readonly string[];
  /** Bans, per-address connection cap and slow-sender timeouts (edge/src/security); none = accept everything. */
  security?: SecurityGate;
}

/** SIP over TCP or TLS: accepts connections and opens new ones when a response or request needs one (RFC 3261 §18.2.2). */
export class StreamTransport {
  private server?: net.Server;

  constructor(private readonly options: StreamTransportOptions) {}

  async listen(bind: string, port: number): Promise<HostPort> {
    const { security } = this.options;
    const server = this.options.protocol === 'tls'
      ? tls.createServer({
          cert: this.options.tls?.cert,
          key: this.options.tls?.key,
          ...(security ? { handshakeTimeout: security.headerTimeoutMs } : {}),
        })
      : net.createServer();
    // Judged on the raw TCP connection, before a TLS handshake or a byte of SIP costs anything.
    server.on('connection', (socket: net.Socket) => {
      if (!this.admit(socket)) return;
      if (this.options.protocol === 'tcp') this.adopt(socket, true);
    });
    if (this.options.protocol === 'tls') server.on('secureConnection', (socket: tls.TLSSocket) => this.adopt(socket, true));
    server.on('error', (err) => this.options.logger.warn({ err }, `${this.options.protocol} server error`));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, bind, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address() as net.AddressInfo;
    return { address: addr.address, port: addr.port };
  }

  /** Opens a connection to a peer (e.g. to answer over a new connection after the old one closed). */
  async connect(to: HostPort & Pick<Destination, 'serverName'>): Promise<StreamFlow> {
    // Verified chain and name (trunk-trust.ts): a refused certificate fails here, before a byte of SIP is sent.
    const socket = this.options.protocol === 'tls'
      ? tls.connect(clientTlsOptions({ ...to, protocol: 'tls' }, this.options.clientCa ?? []))
      : net.connect({ host: to.address, port: to.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once(this.options.protocol === 'tls' ? 'secureConnect' : 'connect', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return this.adopt(socket);
  }

  /** Banned address or too many connections from it: closed at once. */
  private admit(socket: net.Socket): boolean {
    const { security } = this.options;
    if (!security) return true;
    const address = socket.remoteAddress ?? '';
    if (!security.admitConnection(address)) {
      socket.on('error', () => undefined);
      socket.destroy();
      return false;
    }
    socket.once('close', () => security.releaseConnection(address));
    return true;
  }

  private adopt(socket: net.Socket, inbound = false): StreamFlow {
    const { flows, events } = this.options;
    const flow = new StreamFlow(this.options.protocol, socket, this.options.logger, {
      onMessage: events.onMessage,
      onClose: (closed) => {
        flows.remove(closed.id);
        events.onClose(closed);
      },
    }, this.options.idleTimeoutMs, this.options.security ? { headerTimeoutMs: this.options.security.headerTimeoutMs, inbound } : undefined);
    flows.add(flow);
    return flow;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
