/**
 * A batch of call events (an SQS batch in the cloud, the local bus's window
 * locally) into the CDR store with as few requests as possible:
 *
 * - a call whose batch holds its call.end: ONE UpdateItem (cdr-coalesce.ts).
 *   When its attempt is in the same batch the open-call index is not
 *   touched at all: the call opened and closed within the window, so no
 *   reaper or live view ever needs its entry. The write returns the record
 *   before it: an edgeId there means an attempt was recorded in an earlier
 *   batch (its entry exists), and that entry is deleted as call.end did.
 * - a call in progress with several of its events in the batch (attempt,
 *   alert, answer): its open-call index entry when the attempt is there,
 *   and ONE guarded UpdateItem; should the guard be refused (a duplicate,
 *   the call closed already) the events are written one by one as single
 *   events are. Calls in progress appear in the live view within the window.
 * - a lone event: as a single event (record-call-event.ts).
 *
 * (One residue, as with single events: an attempt whose index Put succeeded
 * but whose CDR write failed, redelivered together with its end, leaves an
 * entry of a closed call; the live view skips closed CDRs and the reaper
 * drops the entry when the edge dies or restarts.)
 *
 * A call whose writes fail is reported whole (every record of it), so the
 * queue redelivers all its events; the writes are idempotent (cdr-merge.ts).
 */
import type { CallEvent } from '../../../contracts/bus/call-events.js';
import { groupByCall, planGroup, type CallGroup } from './cdr-coalesce.js';
import { openCallOf, recordCallEvent, type CdrDeps } from './record-call-event.js';

/** Calls written at the same time (CdrDeps.writeConcurrency): a batch of 100 records must not open 100 sockets at once. */
const CONCURRENT_CALLS = 8;

export interface CallBatchResult<Id> {
  /** Ids of the records whose call could not be written (retry them). */
  failed: Id[];
  /** One entry per call that was written. */
  written: { tenantId: string; callRef: string; coalesced: boolean }[];
  errors: unknown[];
}

export async function recordCallBatch<Id>(items: readonly { id: Id; event: CallEvent }[], deps: CdrDeps): Promise<CallBatchResult<Id>> {
  const groups = groupByCall(items);
  const result: CallBatchResult<Id> = { failed: [], written: [], errors: [] };
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++]!;
      try {
        const coalesced = await recordGroup(group, deps);
        result.written.push({ tenantId: group.tenantId, callRef: group.callRef, coalesced });
      } catch (err) {
        result.failed.push(...group.ids);
        result.errors.push(err);
      }
    }
  };
  const concurrency = Math.max(1, deps.writeConcurrency ?? CONCURRENT_CALLS);
  await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, worker));
  return result;
}

/** Returns whether the group was written as one coalesced write. */
async function recordGroup(group: CallGroup<unknown>, deps: CdrDeps): Promise<boolean> {
  const plan = planGroup(group.events);
  if (plan.kind === 'open') {
    // As call.attempt does alone: the index entry first, so no interleaving leaves a CDR the reaper cannot find.
    if (plan.attempt) await deps.cdrs.putOpenCall(openCallOf(plan.attempt));
    // Applied: the record is open, its entry stays. Refused (closed already, or a stored event is earlier): one by one.
    if ((await deps.cdrs.applyWrite(plan.write)) !== undefined) return true;
    for (const event of plan.events) await recordCallEvent(event, deps);
    return false;
  }
  if (plan.kind === 'singly') {
    // In arrival order, as single deliveries would be: the index entry is written before the CDR opens.
    for (const event of plan.events) await recordCallEvent(event, deps);
    return false;
  }
  const before = await deps.cdrs.applyWriteReturningOld(plan.write);
  // An entry exists only when an attempt was applied before this batch (its edgeId is on the record).
  if (before?.edgeId !== undefined) await deps.cdrs.deleteOpenCall(before.edgeId, group.tenantId, group.callRef);
  return true;
}
