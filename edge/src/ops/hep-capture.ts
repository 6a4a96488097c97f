/**
 * SIP capture to a Homer collector (PBX_HEP_ADDRESS): every message the edge
 * admits and every one it sends goes out as a HEP v3 packet over UDP, fire
 * and forget — a collector that is down or slow costs the call path nothing
 * but the encoding. The collector's name is resolved at start and again
 * while it does not resolve (a compose service may start after the edge).
 * Messages to or from IPv6 peers are not captured (hep-js writes IPv4
 * chunks only), nor are packets that would not fit one UDP datagram.
 */
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { HepTarget } from '../../../contracts/settings/ops-settings.js';
import type { Destination, HostPort, Source, TransportProtocol } from '../../../contracts/transport.js';
import type { Logger } from '../logger.js';
import type { SipCapture } from '../transport/sip-capture.js';
import { hepPacket, ipv4Of } from './hep-packet.js';

/** The largest UDP payload over IPv4. */
const MAX_DATAGRAM = 65_507;
const RESOLVE_RETRY_MS = 30_000;

/** This edge's own address per transport, as peers address it. */
export interface LocalEndpoints {
  readonly host: string;
  port(protocol: TransportProtocol): number | undefined;
}

export class HepCapture implements SipCapture {
  private readonly socket: dgram.Socket;
  private collector?: string;
  private resolving?: Promise<void>;
  private lastResolveAt = 0;
  private local?: LocalEndpoints;

  constructor(
    private readonly target: HepTarget,
    private readonly nodeName: string,
    private readonly bindAddress: string,
    private readonly logger: Logger,
  ) {
    this.socket = dgram.createSocket(isIP(target.host) === 6 ? 'udp6' : 'udp4');
    this.socket.on('error', (err) => this.logger.debug({ err }, 'hep send failed'));
    this.socket.unref();
  }

  /** Resolves the collector once; a failure is logged and retried later, never thrown. */
  async start(): Promise<void> {
    await this.resolve();
  }

  /** The edge's listening ports, known once it listens. */
  useLocalEndpoints(local: LocalEndpoints): void {
    this.local = local;
  }

  received(data: Buffer, source: Source): void {
    this.capture(data.toString('utf8'), source.protocol, source, this.localFor(source.protocol));
  }

  sent(data: string, destination: Destination): void {
    this.capture(data, destination.protocol, this.localFor(destination.protocol), destination);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  /** The captured side of the edge: the bound address when it is a real one, else the advertised host. */
  private localFor(protocol: TransportProtocol): HostPort {
    const address = [this.bindAddress, this.local?.host ?? ''].find((a) => ipv4Of(a) !== undefined && a !== '0.0.0.0') ?? '0.0.0.0';
    return { address, port: this.local?.port(protocol) ?? 0 };
  }

  private capture(message: string, protocol: TransportProtocol, source: HostPort, destination: HostPort): void {
    try {
      if (this.collector === undefined) {
        void this.resolve();
        return;
      }
      const packet = hepPacket(message, {
        protocol,
        source,
        destination,
        timeMicros: Math.round((performance.timeOrigin + performance.now()) * 1000),
        captureId: this.target.captureId,
        ...(this.target.password !== undefined ? { password: this.target.password } : {}),
        nodeName: this.nodeName,
      });
      if (!packet || packet.length > MAX_DATAGRAM) return;
      this.socket.send(packet, this.target.port, this.collector);
    } catch (err) {
      this.logger.debug({ err }, 'hep capture failed');
    }
  }

  private resolve(): Promise<void> {
    if (this.resolving || Date.now() - this.lastResolveAt < RESOLVE_RETRY_MS) return this.resolving ?? Promise.resolve();
    this.lastResolveAt = Date.now();
    this.resolving = lookup(this.target.host, { family: isIP(this.target.host) === 6 ? 6 : 4 })
      .then(
        ({ address }) => {
          this.collector = address;
          this.logger.info({ collector: `${this.target.host}:${this.target.port}`, address }, 'sip capture to HEP collector on');
        },
        (err: unknown) => this.logger.warn({ err, collector: this.target.host }, 'HEP collector does not resolve; retrying, nothing captured meanwhile'),
      )
      .finally(() => {
        this.resolving = undefined;
      });
    return this.resolving;
  }
}
