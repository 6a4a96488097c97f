import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Destination } from '../../../contracts/transport.js';

/**
 * A hop: how this edge reaches one side of a dialog (a flow, or an address).
 * Hops travel inside the URIs the edge puts in Record-Route and Route headers
 * (the RFC 5626 §5.2 "flow token" idea), so in-dialog requests find the
 * browser behind its WebSocket or the phone behind its NAT without any
 * per-dialog state in the edge — and an edge that restarts still routes BYEs.
 * Tokens are signed with the edges' shared secret: a peer cannot forge a
 * token to reach somebody else's flow.
 */
export interface Hop {
  /** protocol */
  p: Destination['protocol'];
  /** address */
  a: string;
  /** port */
  o: number;
  /** flow id, for connection-oriented transports */
  f?: string;
}

export type HopToken =
  /**
   * Record-Route: the two sides of a dialog; `t` = the caller's From tag
   * (tells the direction); `s` = CSeq offset added to the caller's requests
   * towards `d` (a trunk leg that answered a carrier challenge, trunk-leg-request.ts).
   */
  | { k: 'rr'; e: string; t: string; c: Hop; d: Hop; s?: number }
  /** Route from one edge to another for an initial request: deliver to `d`. */
  | { k: 'fwd'; e: string; d: Hop };

const SIG_BYTES = 12;

export function signHopToken(token: HopToken, secret: string): string {
  const body = Buffer.from(JSON.stringify(token)).toString('base64url');
  return `${body}.${signature(body, secret)}`;
}

export function verifyHopToken(text: string, secret: string): HopToken | undefined {
  const dot = text.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const body = text.slice(0, dot);
  const given = Buffer.from(text.slice(dot + 1), 'base64url');
  const expected = Buffer.from(signature(body, secret), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const token = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as HopToken;
    return token && (token.k === 'rr' || token.k === 'fwd') && typeof token.e === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}

export function hopToDestination(hop: Hop): Destination {
  return { protocol: hop.p, address: hop.a, port: hop.o, ...(hop.f ? { flowId: hop.f } : {}) };
}

export function destinationToHop(dest: Destination): Hop {
  return { p: dest.protocol, a: dest.address, o: dest.port, ...(dest.flowId ? { f: dest.flowId } : {}) };
}

function signature(body: string, secret: string): string {
  return createHmac('sha256', `nimbus-hop:${secret}`).update(body).digest().subarray(0, SIG_BYTES).toString('base64url');
}
