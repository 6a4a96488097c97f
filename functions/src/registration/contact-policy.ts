/**
 * Where a registration may make the PBX send requests (the edge dials only
 * what a binding names: RFC 3261 §10.3 lets a REGISTER name any Contact,
 * which turns a registrar into a tool that calls a third party — toll fraud
 * through the PBX, reflection, or an SSRF into the cloud's own network).
 * Pure: the Contact and the transport source are data.
 *
 * The edge delivers out-of-dialog requests only to where the device
 * registered from: its flow (TCP, TLS, WebSocket), or the source address and
 * port of the REGISTER (UDP; RFC 5626 §5 style), never to the Contact's host.
 * So a Contact must be:
 * - on a flow (tcp/tls/ws/wss): anything (JsSIP writes `<random>.invalid`,
 *   RFC 7118 §5); the flow is the way in;
 * - over UDP: the source address itself, or a private address (RFC 1918,
 *   RFC 6598 shared space, RFC 4193 ULA) — a phone behind NAT names its LAN
 *   address, and the PBX answers through the NAT's public address. Anything
 *   else (another public host, a host name, loopback or link-local that is
 *   not the source) is refused.
 * - in cloud mode (PBX_PRIVATE_CONTACTS=deny) additionally the address the
 *   edge would send to must not be private, loopback or link-local (the VPC,
 *   the metadata service 169.254.169.254), and a Contact may not name
 *   loopback or link-local at all.
 */
import { BlockList, isIP } from 'node:net';
import { parseUri, type NameAddr } from '../../../sip/index.js';
import type { Source } from '../../../contracts/transport.js';

const PRIVATE = new BlockList();
for (const [net, bits] of [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10]] as const) PRIVATE.addSubnet(net, bits, 'ipv4');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

const LOCAL = new BlockList();
LOCAL.addSubnet('127.0.0.0', 8, 'ipv4');
LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LOCAL.addSubnet('0.0.0.0', 8, 'ipv4');
LOCAL.addAddress('::1', 'ipv6');
LOCAL.addSubnet('fe80::', 10, 'ipv6');

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  const v = isIP(address);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

const bare = (host: string) => host.replace(/^\[|\]$/g, '').toLowerCase();

export const isPrivateAddress = (address: string): boolean => {
  const f = family(address);
  return f !== undefined && PRIVATE.check(address, f);
};

export const isLocalAddress = (address: string): boolean => {
  const f = family(address);
  return f !== undefined && LOCAL.check(address, f);
};

export interface ContactPolicy {
  /** Cloud mode: refuse private, loopback and link-local delivery addresses (PBX_PRIVATE_CONTACTS=deny). */
  denyPrivate: boolean;
}

export type ContactVerdict = { ok: true } | { ok: false; reason: string };

const refuse = (reason: string): ContactVerdict => ({ ok: false, reason });

export function checkContact(contact: NameAddr, source: Source, policy: ContactPolicy): ContactVerdict {
  const uri = parseUri(contact.uri);
  if (!uri) return { ok: true }; // not a SIP URI: binding-rules refuses it
  const host = bare(uri.host);
  const from = bare(source.address);
  if (policy.denyPrivate) {
    if (isPrivateAddress(from) || isLocalAddress(from)) return refuse('Private source addresses are not served');
    if (isLocalAddress(host)) return refuse('Contact names a loopback or link-local address');
  }
  if (source.protocol !== 'udp') return { ok: true };
  if (host === from) return { ok: true };
  if (isPrivateAddress(host)) return { ok: true }; // behind NAT: delivered to the source, not to this address
  return refuse('Contact must name the address the device registers from');
}
