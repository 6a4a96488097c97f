/**
 * A TCP/TLS/WebSocket flow closed at the edge: bindings reached only through
 * it are unreachable (RFC 5626 §5.2: a UA behind NAT can only be reached over
 * the flow it registered on), so they go now instead of at expiry. Bindings
 * whose Contact can be dialled directly stay (see reachableOnlyThroughFlow).
 * Idempotent: a repeated event finds no flow index item and removes nothing.
 */
import type { FlowClosedEvent, FlowClosedResult } from '../../../contracts/function-events.js';
import type { BindingStore } from './binding-repository.js';
import { updateBindings } from './optimistic-update.js';
import { reachableOnlyThroughFlow } from './binding.js';

export interface FlowClosedDeps {
  bindings: BindingStore;
  /** Epoch ms. */
  now: () => number;
}

export async function flowClosed(event: FlowClosedEvent, deps: FlowClosedDeps): Promise<FlowClosedResult> {
  const { edge, flowId } = event;
  const now = deps.now();
  let removedBindings = 0;

  for (const aor of await deps.bindings.listFlowAors(edge.id, flowId)) {
    removedBindings += await updateBindings(deps.bindings, aor, now, (current) => {
      const kept = current.filter((b) => !(b.edgeId === edge.id && b.flowId === flowId && reachableOnlyThroughFlow(b)));
      const removed = current.length - kept.length;
      return removed === 0 ? { result: 0 } : { save: kept, result: removed };
    });
  }

  // Only after every AOR is cleaned: if we crash half-way, a retry finds the index again.
  await deps.bindings.deleteFlow(edge.id, flowId);
  return { removedBindings };
}
