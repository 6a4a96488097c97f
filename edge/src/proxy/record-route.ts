import type { Destination, Source } from '../../../contracts/transport.js';
import { destinationToHop, signHopToken } from './hop-token.js';
import type { RouteSigning } from './proxy-context.js';
import { HOP_PARAM } from './route-set.js';

/**
 * This edge's Record-Route values for a dialog between the caller at `source`
 * and a device at `dest` (RFC 3261 §16.6 step 4), bottom-first. When the two
 * legs use different transports there are two (RFC 5658 double
 * Record-Route), so each side sees a URI it can reach. Both carry the signed
 * hop token that routes later in-dialog requests (see in-dialog-forwarder).
 */
export function recordRouteUris(ctx: RouteSigning, source: Source, dest: Destination, callerTag: string, cseqOffset = 0): string[] {
  const callerSide: Destination = { protocol: source.protocol, address: source.address, port: source.port, ...(source.flowId ? { flowId: source.flowId } : {}) };
  const token = signHopToken(
    { k: 'rr', e: ctx.identity.id, t: callerTag, c: destinationToHop(callerSide), d: destinationToHop(dest), ...(cseqOffset !== 0 ? { s: cseqOffset } : {}) },
    ctx.secret,
  );
  const params = `;${HOP_PARAM}=${token}`;
  return source.protocol === dest.protocol
    ? [ctx.addresses.uri(dest.protocol, params)]
    : [ctx.addresses.uri(source.protocol, params), ctx.addresses.uri(dest.protocol, params)];
}
