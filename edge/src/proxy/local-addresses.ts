import { VIA_TRANSPORT, type TransportProtocol } from '../../../contracts/transport.js';

/**
 * The edge's own addresses as peers must see them: what goes into the Via
 * sent-by of forwarded requests (RFC 3261 §16.6 step 8) and into the
 * Record-Route URIs (§16.6 step 4), per transport.
 */
export class LocalAddresses {
  private readonly ports = new Map<TransportProtocol, number>();

  constructor(readonly host: string) {}

  setPort(protocol: TransportProtocol, port: number): void {
    this.ports.set(protocol, port);
  }

  port(protocol: TransportProtocol): number | undefined {
    return this.ports.get(protocol);
  }

  /** `SIP/2.0/UDP host:port` */
  viaSentBy(protocol: TransportProtocol): string {
    const port = this.ports.get(protocol);
    return `SIP/2.0/${VIA_TRANSPORT[protocol]} ${this.host}${port ? `:${port}` : ''}`;
  }

  /** A URI for this edge on one transport, e.g. for Record-Route: `sip:host:port;transport=ws;lr;…`. */
  uri(protocol: TransportProtocol, params: string): string {
    const port = this.ports.get(protocol);
    const transport = protocol === 'udp' ? '' : `;transport=${protocol}`;
    return `sip:${this.host}${port ? `:${port}` : ''}${transport};lr${params}`;
  }

  /** Is this host:port one of ours (a Route/Request-URI pointing at this edge)? */
  isLocal(host: string, port: number | undefined): boolean {
    if (host.toLowerCase() !== this.host.toLowerCase()) return false;
    if (port === undefined) return true;
    return [...this.ports.values()].includes(port);
  }
}
