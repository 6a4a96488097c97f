/**
 * Which edges are alive, as seen by one decision. Pure: built from the
 * heartbeat items (store/edge-registry.ts) and the edge that is asking — an
 * edge invoking a function is alive by definition, even before its first
 * heartbeat is visible, and any other boot of it is dead.
 */
import type { EdgeIdentity } from '../../../contracts/function-events.js';
import { isEdgeAlive, type EdgeRecord } from '../edges/edge-registry.js';

export class EdgeLiveness {
  private readonly edges: Map<string, EdgeRecord>;

  constructor(
    edges: readonly EdgeRecord[],
    private readonly now: number,
    private readonly self?: EdgeIdentity,
  ) {
    this.edges = new Map(edges.map((e) => [e.edgeId, e]));
  }

  /** The edge (and, with bootId, that boot of it) still holds its flows, calls and slots. */
  isAlive(edgeId: string, bootId?: string): boolean {
    if (this.self && edgeId === this.self.id) return bootId === undefined || bootId === this.self.bootId;
    return isEdgeAlive(this.edges.get(edgeId), bootId, this.now);
  }

  /** Heartbeat item of a live edge (where to send SIP for devices it holds). */
  liveEdge(edgeId: string): EdgeRecord | undefined {
    const edge = this.edges.get(edgeId);
    return isEdgeAlive(edge, undefined, this.now) ? edge : undefined;
  }
}
