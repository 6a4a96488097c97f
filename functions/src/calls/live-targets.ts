/**
 * The callee's live devices (call-targets.ts), loading the other edges'
 * heartbeats only when a binding is held by another edge; the liveness view
 * is shared with the call-limit step, which may need it too.
 */
import type { CallTarget, EdgeIdentity } from '../../../contracts/function-events.js';
import { EdgeLiveness } from './edge-liveness.js';
import type { BindingStore } from '../registration/binding-repository.js';
import type { EdgeRegistry } from '../edges/edge-registry.js';
import { needsOtherEdges, selectTargets } from './call-targets.js';

export interface LiveTargets {
  targets: CallTarget[];
  /** The edges' liveness, read at most once per call. */
  liveness: () => Promise<EdgeLiveness>;
}

export async function liveTargets(
  deps: { bindings: Pick<BindingStore, 'loadBindings'>; edges: Pick<EdgeRegistry, 'listEdges'> },
  edge: EdgeIdentity,
  aor: { tenantId: string; ext: string },
  now: number,
): Promise<LiveTargets> {
  let loaded: Promise<EdgeLiveness> | undefined;
  const liveness = (): Promise<EdgeLiveness> => (loaded ??= deps.edges.listEdges(now).then((edges) => new EdgeLiveness(edges, now, edge)));
  const { bindings } = await deps.bindings.loadBindings(aor, now);
  const targets = selectTargets(bindings, edge, needsOtherEdges(bindings, edge) ? await liveness() : new EdgeLiveness([], now, edge));
  return { targets, liveness };
}
