/**
 * When an outbound trunk call moves on to the next trunk (issue "SIP trunks";
 * MSS and Kamailio-dispatcher practice): the carrier failed before the
 * callee was reached — a 5xx (its own trouble, RFC 3261 §21.5), 408 or no
 * answer at all (Timer B, §17.1.1.2), a transport error, or a challenge the
 * trunk account cannot answer. Once a carrier has sent a provisional (the
 * caller hears ringing) its final answer is the call's. A 4xx/6xx about the
 * callee (486 busy, 404 …) is never failed over: another carrier would only
 * repeat it.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { SipResponse } from '../../../sip/message.js';
import type { TrunkLeg } from '../../../contracts/function-events.js';
import type { Destination } from '../../../contracts/transport.js';

/** RFC 3261 §21.5.4 reason phrase when no trunk is left. */
export const TRUNKS_EXHAUSTED = 'All trunks busy';
export const TRUNK_AUTH_FAILED = 'Trunk authentication failed';

/** The reason phrase for the caller if this final answer fails over, else undefined. */
export function isFailover(final: SipResponse, provisionalSeen: boolean): string | undefined {
  if (provisionalSeen) return undefined;
  if (final.status === 401 || final.status === 407) return TRUNK_AUTH_FAILED;
  if (final.status === 408 || (final.status >= 500 && final.status < 600)) return TRUNKS_EXHAUSTED;
  return undefined;
}

/** The carrier's address: IP literals as they are, a host name through DNS (A/AAAA; no RFC 3263 SRV yet). */
export async function resolveLegDestination(leg: Pick<TrunkLeg, 'destination'>): Promise<Destination | undefined> {
  const { host, port, protocol } = leg.destination;
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return { protocol, address: bare, port };
  try {
    const { address } = await lookup(bare);
    // TLS checks the certificate against the configured name, not the address it resolved to (RFC 5922 §7.2).
    return { protocol, address, port, serverName: bare };
  } catch {
    return undefined;
  }
}
