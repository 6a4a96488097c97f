import { addHeader, getHeader, getHeaders, parseNameAddr, parseUri, removeFirstValue } from '../../../sip/index.js';
import type { SipRequest } from '../../../sip/message.js';
import type { HopToken, HopTokens } from './hop-token.js';

/** The URI parameter that carries a signed hop token in our Route/Record-Route URIs. */
export const HOP_PARAM = 'nt';

/**
 * RFC 3261 §16.4 (route information preprocessing): if the topmost Route
 * values are this edge's (their token verifies and names this edge), remove
 * them. With double Record-Route (RFC 5658) two consecutive values are ours.
 * Returns the tokens of the values removed, topmost first.
 */
export function popOwnRoutes(req: SipRequest, edgeId: string, hops: HopTokens): HopToken[] {
  const popped: HopToken[] = [];
  const callId = getHeader(req, 'Call-ID') ?? '';
  for (;;) {
    const top = getHeaders(req, 'Route')[0];
    if (top === undefined) break;
    const token = ownToken(top, edgeId, hops, callId);
    if (!token) break;
    removeFirstValue(req, 'Route');
    popped.push(token);
  }
  return popped;
}

/** The token of one of our Route values: sealed by an edge of this deployment, for this Call-ID, naming this edge, unexpired. */
export function ownToken(routeValue: string, edgeId: string, hops: HopTokens, callId: string): HopToken | undefined {
  const uri = parseUri(parseNameAddr(routeValue)?.uri ?? '');
  const raw = uri?.params[HOP_PARAM];
  if (!raw) return undefined;
  const token = hops.open(raw, callId);
  return token?.e === edgeId ? token : undefined;
}

/** Adds our Record-Route values on top (§16.6 step 4); `values` are bottom-first (the caller's side first). */
export function addRecordRoutes(req: SipRequest, uris: string[]): void {
  for (const uri of uris) addHeader(req, 'Record-Route', `<${uri}>`, { prepend: true });
}

/** Pushes a Route on top (§16.6 step 6 "postprocess routing information"). */
export function pushRoute(req: SipRequest, uri: string): void {
  addHeader(req, 'Route', `<${uri}>`, { prepend: true });
}
