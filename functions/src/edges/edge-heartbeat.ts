/**
 * An edge renews its lease (store/edge-registry.ts). While the lease runs,
 * other edges route calls to devices it holds (viaEdge) and its calls keep
 * their slots; once it expires — or the edge restarts with a new bootId —
 * the reaper closes its calls and frees their slots.
 */
import type { EdgeHeartbeatEvent, EdgeHeartbeatResult } from '../../../contracts/function-events.js';
import type { EdgeRegistry } from './edge-registry.js';

export interface EdgeHeartbeatDeps {
  edges: Pick<EdgeRegistry, 'recordHeartbeat'>;
  /** Epoch ms. */
  now: () => number;
}

export async function edgeHeartbeat(event: EdgeHeartbeatEvent, deps: EdgeHeartbeatDeps): Promise<EdgeHeartbeatResult> {
  await deps.edges.recordHeartbeat(
    { edgeId: event.edge.id, bootId: event.edge.bootId, sipHost: event.sip.host, sipPort: event.sip.port, ttlSeconds: event.ttlSeconds },
    deps.now(),
  );
  return { ok: true };
}
