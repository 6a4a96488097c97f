/**
 * Transport-layer vocabulary shared by the transports, the transaction layer
 * and the edge core (RFC 3261 §18). A *flow* is one connection-oriented path
 * to a peer (TCP connection, WebSocket) in the sense of RFC 5626 §3; UDP has
 * no flows, only source addresses.
 */

export type TransportProtocol = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

/** Value of the Via transport token for a protocol (RFC 3261 §20.42, RFC 7118 §5.2). */
export const VIA_TRANSPORT: Record<TransportProtocol, string> = {
  udp: 'UDP',
  tcp: 'TCP',
  tls: 'TLS',
  ws: 'WS',
  wss: 'WSS',
};

export function isReliable(protocol: TransportProtocol): boolean {
  return protocol !== 'udp';
}

export interface HostPort {
  address: string;
  port: number;
}

/** Where a message came from, as the transport saw it (never as the message claims). */
export interface Source extends HostPort {
  protocol: TransportProtocol;
  /** Set for connection-oriented transports: the flow the message arrived on. */
  flowId?: string;
}

/** Where to send a message: a flow when one is known and open, else an address. */
export interface Destination extends HostPort {
  protocol: TransportProtocol;
  flowId?: string;
  /**
   * TLS: the host name the peer's certificate must be for (and the SNI), when
   * `address` is the resolved IP of a configured name (RFC 5922 §7.2,
   * RFC 3261 §26.3.1). Unset: the certificate must be for `address` itself.
   */
  serverName?: string;
}

/** The port of a SIP URI or Via without one: 5061 for TLS, else 5060 (RFC 3261 §19.1.2, §18.2.2). */
export function defaultSipPort(protocol: TransportProtocol): number {
  return protocol === 'tls' ? 5061 : 5060;
}
