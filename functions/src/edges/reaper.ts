/**
 * The reaper (scheduled every minute): what a lost edge held is reclaimed.
 *
 *   listEdges → for each dead edge, and for earlier boots of live ones:
 *   listOpenCalls → closeCdr (closedBy 'timeout') → releaseSlots (pruning
 *   dead holders) → deleteOpenCall → finally forget the edge
 *
 * Bound: an edge's lease runs out `ttlSeconds` after its last heartbeat, and
 * the reaper runs every REAPER_PERIOD, so a call of a dead edge is closed at
 * most heartbeat TTL + reaper period (+ one run) after the edge's last
 * heartbeat. An edge that restarts under the same id is noticed sooner: its
 * first heartbeat with a new bootId makes every call of the old boot lost.
 *
 * The CDR's end time is when the call was last known to exist: the last
 * heartbeat of a dead edge, or the first heartbeat of the boot that replaced
 * it. Slots of calls that never reached call.attempt are not indexed here;
 * they are pruned when they stand in the way of their user's next take
 * (calls/call-slots.ts).
 *
 * Trunk slots (store/trunk-usage-repository.ts) are leases of their edge
 * too: after the calls, every trunk lease of a dead edge or an earlier boot
 * is released, within the same bound (heartbeat TTL + reaper period).
 */
import { callRefOf } from '../../../contracts/call-ref.js';
import { EdgeLiveness } from '../calls/edge-liveness.js';
import { releaseCallSlot } from '../calls/call-slots.js';
import { timeoutCloseWrite } from '../cdr/cdr-merge.js';
import type { CallSlotStore } from '../calls/call-slot-repository.js';
import type { CdrStore, OpenCall } from '../cdr/cdr-repository.js';
import type { EdgeRegistry, EdgeStatus } from './edge-registry.js';
import type { TrunkUsageStore } from '../trunks/trunk-usage-repository.js';

export const REAPER_PERIOD_SECONDS = 60;

/** A dead edge's item is kept this long after its lease ran out (admins can still see it), then deleted once it carries no open call. */
export const DEAD_EDGE_RETENTION_MS = 24 * 3_600_000;

export interface ReaperDeps {
  edges: Pick<EdgeRegistry, 'listEdges' | 'deleteEdge'>;
  cdrs: CdrStore;
  slots: CallSlotStore;
  /**
   * Trunk slots (issue 3): leases of dead or restarted edges are released,
   * within the same bound as calls (heartbeat TTL + reaper period). The
   * scheduled reaper always has it (handler.ts); optional for callers that
   * reap calls only.
   */
  trunkUsage?: Pick<TrunkUsageStore, 'reclaimDeadLeases'>;
  /** Epoch ms. */
  now: () => number;
  /** A call that could not be reclaimed this run (retried next run). */
  onError?: (err: unknown, call: OpenCall) => void;
}

export interface ReaperResult {
  deadEdges: number;
  closedCalls: number;
  releasedSlots: number;
  deletedEdges: number;
  failedCalls: number;
  /** Trunk slots given back (only when `trunkUsage` is set). */
  reclaimedTrunkSlots?: number;
}

export async function reap(deps: ReaperDeps): Promise<ReaperResult> {
  const now = deps.now();
  const edges = await deps.edges.listEdges(now);
  const liveness = new EdgeLiveness(edges, now);
  const isHolderAlive = (e: { edgeId: string; bootId: string }): boolean => liveness.isAlive(e.edgeId, e.bootId);
  const result: ReaperResult = { deadEdges: 0, closedCalls: 0, releasedSlots: 0, deletedEdges: 0, failedCalls: 0 };

  for (const edge of edges) {
    if (!edge.alive) result.deadEdges++;
    // A live edge still carries the calls of its current boot.
    const lost = await deps.cdrs.listOpenCalls(edge.edgeId, edge.alive ? edge.bootId : undefined);
    let left = lost.length;
    for (const call of lost) {
      try {
        result.releasedSlots += await reclaimCall(call, lostAt(edge, call), deps, isHolderAlive);
        result.closedCalls++;
        left--;
      } catch (err) {
        result.failedCalls++;
        deps.onError?.(err, call);
      }
    }
    if (!edge.alive && left === 0 && now - edge.expiresAt > DEAD_EDGE_RETENTION_MS && (await deps.edges.deleteEdge(edge))) {
      result.deletedEdges++;
    }
  }
  // After the calls: a failure here must not keep the CDRs open; the next run retries.
  if (deps.trunkUsage) result.reclaimedTrunkSlots = await deps.trunkUsage.reclaimDeadLeases(now, liveness);
  return result;
}

/** When the call was last known to exist (see the file comment). */
function lostAt(edge: EdgeStatus, call: OpenCall): string {
  return new Date(call.bootId === edge.bootId ? edge.lastSeen : edge.bootedAt).toISOString();
}

/** Closes the CDR (unless the real end got there first), frees the slots, drops the index entry. Returns slots released. */
async function reclaimCall(
  call: OpenCall,
  lostAtIso: string,
  deps: ReaperDeps,
  isHolderAlive: (e: { edgeId: string; bootId: string }) => boolean,
): Promise<number> {
  const callRef = callRefOf(call);
  const current = await deps.cdrs.getCdr(call.tenantId, callRef);
  if (current?.state !== 'closed') {
    const record = current ?? {
      tenantId: call.tenantId,
      callId: call.callId,
      ...(call.callRef !== undefined ? { callRef: call.callRef } : {}),
      ...(call.startTime ? { startTime: call.startTime } : {}),
    };
    // Guarded on "still open": a call.end that lands meanwhile wins.
    await deps.cdrs.applyWrite(timeoutCloseWrite(record, lostAtIso));
  }
  let released = 0;
  for (const slot of call.slots) released += await releaseCallSlot(deps.slots, slot, callRef, slot.direction, isHolderAlive);
  // Last: if anything above fails, the next run finds the entry again.
  await deps.cdrs.deleteOpenCall(call.edgeId, call.tenantId, callRef);
  return released;
}
