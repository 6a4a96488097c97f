/**
 * The address fail-to-ban and flood control must judge: the peer of the
 * connection, or — only when that peer is a trusted HTTP proxy — the client
 * it names in X-Forwarded-For. Believing X-Forwarded-For from anyone would
 * let anyone get anyone banned (or dodge a ban) by writing the header.
 *
 * The header lists "client, proxy1, proxy2": each proxy appends the address
 * it got the request from. Walking from the right, every hop that is one of
 * our trusted proxies is skipped; the first one that is not is the client
 * (anything left of it was written by that client and proves nothing).
 * An NLB (TCP) keeps the client's address on the connection itself, so UDP,
 * TCP and TLS never look at headers.
 */
import { isIP } from 'node:net';
import { normalizeAddress, type AddressSet } from '../../../contracts/fail-to-ban/address-set.js';

/** One X-Forwarded-For element: an IP, optionally with a port ("192.0.2.1:5060", "[2001:db8::1]:443"). */
function forwardedAddress(element: string): string | undefined {
  let e = element.trim();
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(e);
  if (v4port) e = v4port[1]!;
  const v6port = /^\[([^\]]+)\](?::\d+)?$/.exec(e);
  if (v6port) e = v6port[1]!;
  const address = normalizeAddress(e);
  return isIP(address) === 0 ? undefined : address;
}

export function clientAddress(peer: string, forwardedFor: string | string[] | undefined, trustedProxies: AddressSet): string {
  const direct = normalizeAddress(peer);
  if (forwardedFor === undefined || !trustedProxies.has(direct)) return direct;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').filter((h) => h.trim() !== '');
  let client = direct;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = forwardedAddress(hops[i]!);
    // A malformed hop: nothing to its left can be trusted; judge the last proxy that wrote a sane value.
    if (hop === undefined) return client;
    client = hop;
    if (!trustedProxies.has(hop)) return hop;
  }
  return client;
}
