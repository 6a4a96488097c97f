import type { CallTarget } from '../../../contracts/function-events.js';
import { parseUri } from '../../../sip/index.js';
import { defaultSipPort, type Destination } from '../../../contracts/transport.js';
import { destinationToHop, type Hop } from './hop-token.js';
import type { ProxyContext } from './proxy-context.js';
import { profileOfTarget, type MediaProfile } from '../media/media-plan.js';

/** Where one branch goes, and the Route to push when another edge must deliver it. */
export interface BranchTarget {
  requestUri: string;
  destination: Destination;
  /** Set for targets held by another edge (§16.6 step 6: a pre-loaded route to that edge). */
  route?: string;
  bindingKey?: string;
  /** What the device behind it speaks (a WebSocket contact is a browser); absent for a hop relayed for another edge, which the owner anchors. */
  profile?: MediaProfile;
}

/**
 * Turns a callee binding into a branch: directly over this edge's flow or
 * address, or through the edge that holds the device's flow (architecture:
 * "a device held by another edge is reached through that edge").
 * Returns undefined when this edge's flow to the device is already gone.
 */
export function branchTargetFor(ctx: Pick<ProxyContext, 'identity' | 'hops' | 'transport'>, target: CallTarget, callId: string): BranchTarget | undefined {
  const profile = profileOfTarget(target.protocol);
  const device: Hop = { p: target.protocol, a: target.address, o: target.port, ...(target.flowId ? { f: target.flowId } : {}) };
  if (target.viaEdge && target.viaEdge.edgeId !== ctx.identity.id) {
    const token = ctx.hops.seal({ k: 'fwd', e: target.viaEdge.edgeId, d: device }, callId);
    return {
      requestUri: target.contact,
      destination: { protocol: 'udp', address: target.viaEdge.host, port: target.viaEdge.port },
      route: `sip:${target.viaEdge.host}:${target.viaEdge.port};lr;nt=${token}`,
      bindingKey: target.bindingKey,
      profile,
    };
  }
  if (target.flowId && !ctx.transport.flows.get(target.flowId)) {
    const direct = dialContact(target);
    return direct ? { requestUri: target.contact, destination: direct, bindingKey: target.bindingKey, profile } : undefined;
  }
  return { requestUri: target.contact, destination: { protocol: target.protocol, address: target.address, port: target.port, ...(target.flowId ? { flowId: target.flowId } : {}) }, bindingKey: target.bindingKey, profile };
}

/**
 * The device's connection is gone: a TCP/TLS phone that listens on its
 * Contact is dialled at the port it names (RFC 3261 §18.1.1) — but only at
 * the address it registered from: a Contact naming another host never
 * makes the PBX connect to that host (contact-policy.ts in the registrar).
 * WebSocket and ".invalid" Contacts cannot be dialled at all.
 */
function dialContact(target: CallTarget): Destination | undefined {
  if (target.protocol !== 'tcp' && target.protocol !== 'tls') return undefined;
  const uri = parseUri(target.contact);
  const host = uri?.host.replace(/^\[|\]$/g, '').toLowerCase();
  if (!uri || host !== target.address.toLowerCase()) return undefined;
  return { protocol: target.protocol, address: target.address, port: uri.port ?? defaultSipPort(target.protocol) };
}

/** A hop delivered by another edge's `fwd` token: this edge sends straight to the device. */
export function branchTargetForHop(ctx: Pick<ProxyContext, 'transport'>, requestUri: string, hop: Hop): BranchTarget | undefined {
  if (hop.f && !ctx.transport.flows.get(hop.f)) return undefined;
  return { requestUri, destination: { protocol: hop.p, address: hop.a, port: hop.o, ...(hop.f ? { flowId: hop.f } : {}) } };
}

export { destinationToHop };
