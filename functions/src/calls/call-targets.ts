/**
 * The devices a call forks to (RFC 3261 §16.5 "target set"): the callee's
 * live bindings, minus those whose path is gone. Pure.
 *
 * - A binding on this edge is reached directly, unless it came over a flow
 *   of an earlier boot of this edge (that connection died with the process).
 * - A binding held by another edge is reached through that edge (`viaEdge`),
 *   which must be alive; a flow binding also needs the same boot of it.
 * - UDP bindings carry no flow: any boot of their edge can still send to
 *   the device's address.
 */
import type { CallTarget, EdgeIdentity } from '../../../contracts/function-events.js';
import type { EdgeLiveness } from './edge-liveness.js';
import type { Binding } from '../registration/binding.js';

function toTarget(b: Binding): CallTarget {
  return {
    contact: b.contact,
    bindingKey: b.key,
    edgeId: b.edgeId,
    bootId: b.bootId,
    ...(b.flowId !== undefined ? { flowId: b.flowId } : {}),
    protocol: b.protocol,
    address: b.address,
    port: b.port,
  };
}

/** Whether any binding needs the other edges' heartbeats to be judged. */
export function needsOtherEdges(bindings: readonly Binding[], self: EdgeIdentity): boolean {
  return bindings.some((b) => b.edgeId !== self.id);
}

export function selectTargets(bindings: readonly Binding[], self: EdgeIdentity, liveness: EdgeLiveness): CallTarget[] {
  const targets: CallTarget[] = [];
  for (const b of bindings) {
    if (b.edgeId === self.id) {
      if (b.flowId !== undefined && b.bootId !== self.bootId) continue;
      targets.push(toTarget(b));
      continue;
    }
    const edge = liveness.liveEdge(b.edgeId);
    if (!edge) continue;
    if (b.flowId !== undefined && edge.bootId !== b.bootId) continue;
    targets.push({ ...toTarget(b), viaEdge: { edgeId: edge.edgeId, host: edge.sipHost, port: edge.sipPort } });
  }
  return targets;
}
