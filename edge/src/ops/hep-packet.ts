/**
 * One SIP message as a HEP v3 packet (the HEP/EEP encapsulation Homer and
 * heplify-server read: https://github.com/sipcapture/HEP), encoded by
 * hep-js. Pure: the caller supplies the addresses and the time.
 *
 * hep-js sizes the payload chunk by the string's length in UTF-16 code units
 * but writes UTF-8, which would cut a message with non-ASCII text (a display
 * name such as "Zoë") short. Padding the string by the difference makes the
 * chunk exactly as long as the UTF-8 bytes; the padding itself never fits
 * into the chunk and is not sent.
 */
import hep from 'hep-js';
import type { HostPort, TransportProtocol } from '../../../contracts/transport.js';

/** HEP chunk 0x000b: 1 = SIP. */
const HEP_PAYLOAD_SIP = 1;
/** HEP chunk 0x0001: the address family of the chunks 0x0003/0x0004 (hep-js writes IPv4 only). */
const AF_INET = 2;
/** IP protocol numbers (HEP chunk 0x0002); WebSocket and TLS travel over TCP. */
const IP_PROTOCOL: Record<TransportProtocol, number> = { udp: 17, tcp: 6, tls: 6, ws: 6, wss: 6 };

export interface HepMeta {
  protocol: TransportProtocol;
  source: HostPort;
  destination: HostPort;
  /** Microseconds since the epoch (HEP chunks 0x0009 seconds and 0x000a microseconds). */
  timeMicros: number;
  captureId: number;
  password?: string;
  /** HEP chunk 0x0013: which edge captured it. */
  nodeName: string;
}

/** A dotted IPv4 address, or the IPv4 inside an IPv4-mapped IPv6 one; undefined for real IPv6. */
export function ipv4Of(address: string): string | undefined {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(v4) ? v4 : undefined;
}

/** The packet, or undefined when an address is IPv6 (which hep-js cannot encode). */
export function hepPacket(message: string, meta: HepMeta): Buffer | undefined {
  const srcIp = ipv4Of(meta.source.address);
  const dstIp = ipv4Of(meta.destination.address);
  if (srcIp === undefined || dstIp === undefined) return undefined;
  const padding = Buffer.byteLength(message, 'utf8') - message.length;
  return hep.encapsulate(padding > 0 ? message + ' '.repeat(padding) : message, {
    protocolFamily: AF_INET,
    protocol: IP_PROTOCOL[meta.protocol],
    srcIp,
    dstIp,
    srcPort: meta.source.port,
    dstPort: meta.destination.port,
    timeSeconds: Math.floor(meta.timeMicros / 1_000_000),
    timeUseconds: meta.timeMicros % 1_000_000,
    payloadType: HEP_PAYLOAD_SIP,
    captureId: meta.captureId,
    hepNodeName: meta.nodeName,
    ...(meta.password !== undefined ? { capturePass: meta.password } : {}),
  });
}
