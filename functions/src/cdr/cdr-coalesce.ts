/**
 * Coalescing a batch of call events (pure): the events of one call are
 * grouped by its key (callRefOf), and a call whose batch holds its call.end
 * is written as ONE CdrWrite instead of one per event.
 *
 * Why that is exact (cdr-merge.ts, who owns which field):
 * - call.end SETs every call field, REMOVEs the optional ones it lacks and
 *   closes the record; it has no guard. So whatever alert/answer did before
 *   it is overwritten, and after it they are refused by their guard: in
 *   every order alert and answer add nothing to a record the end has seen.
 * - call.attempt only fills absent fields (if_not_exists). Before the end
 *   the end overwrites those it carries; after the end it fills only what
 *   the end lacks (edgeId, bootId, slots, trunkSlots, trunkId when the end
 *   names none). Either way the result is "end's SETs, then the attempt's
 *   fields the end does not SET, where absent" — one UpdateItem, in which a
 *   path may appear only once (DynamoDB rejects overlapping paths), hence
 *   the attempt's fields the end SETs or REMOVEs are left out.
 * A call still in progress whose batch holds several of its events
 * (attempt and alert, say) is one write too, guarded (planGroup, 'open').
 * The unit tests check it against applying the events one by one in every
 * order (applyCdrWrite).
 */
import type { CallAttemptDetail, CallEndDetail, CallEvent } from '../../../contracts/bus/call-events.js';
import { callRefOf } from '../../../contracts/call-ref.js';
import { applyCdrWrite, cdrWriteFor, type CdrWrite } from './cdr-merge.js';
import type { CdrRecord } from './cdr-record.js';

/** The events of one call in a batch, in arrival order, with the ids of the records that carried them. */
export interface CallGroup<Id = string> {
  tenantId: string;
  callRef: string;
  events: CallEvent[];
  ids: Id[];
}

/** Groups events by call (tenant + callRef), keeping each call's events in arrival order. */
export function groupByCall<Id>(items: readonly { id: Id; event: CallEvent }[]): CallGroup<Id>[] {
  const groups = new Map<string, CallGroup<Id>>();
  for (const { id, event } of items) {
    const callRef = callRefOf(event.detail);
    // Tenant ids cannot hold '#' (seed-schema.ts): the joined key is unambiguous.
    const key = `${event.detail.tenantId}#${callRef}`;
    let group = groups.get(key);
    if (!group) {
      group = { tenantId: event.detail.tenantId, callRef, events: [], ids: [] };
      groups.set(key, group);
    }
    group.events.push(event);
    group.ids.push(id);
  }
  return [...groups.values()];
}

/**
 * How a group is written:
 * - 'coalesced': it holds its end: one unguarded write.
 * - 'open': a call in progress with more than one kind of event (attempt,
 *   alert, answer): one write guarded like all of theirs at once (open, and
 *   the batch's earliest alert and answer earlier than the stored ones).
 *   When that guard holds, each event's own guard holds too, so the write
 *   is theirs applied one by one; when it does not (a duplicate, a late
 *   event), `events` are written one by one instead, as single events are.
 * - 'singly': one event kind only, written event by event.
 */
export type GroupPlan =
  | { kind: 'coalesced'; write: CdrWrite; end: CallEndDetail; attempt?: CallAttemptDetail }
  | { kind: 'open'; write: CdrWrite; attempt?: CallAttemptDetail; events: CallEvent[] }
  | { kind: 'singly'; events: CallEvent[] };

/** The event of the earliest time; the first to arrive among equals (a later equal one is refused by its guard). */
function earliest<E extends CallEvent & { detail: { time: string } }>(events: readonly E[]): E | undefined {
  return events.reduce<E | undefined>((best, e) => (best === undefined || e.detail.time < best.detail.time ? e : best), undefined);
}

function openPlan(events: readonly CallEvent[]): GroupPlan {
  const attempt = events.find((e) => e.detailType === 'call.attempt');
  const alert = earliest(events.filter((e): e is Extract<CallEvent, { detailType: 'call.alert' }> => e.detailType === 'call.alert'));
  const answer = earliest(events.filter((e): e is Extract<CallEvent, { detailType: 'call.answer' }> => e.detailType === 'call.answer'));
  const parts = [attempt, alert, answer].filter((e) => e !== undefined);
  if (parts.length < 2) return { kind: 'singly', events: [...events] };
  const writes = parts.map((e) => cdrWriteFor(e));
  const earlier = writes.flatMap((w) => (w.guard?.kind === 'open-and-earlier' ? [{ attribute: w.guard.attribute, value: w.guard.value }] : []));
  const write: CdrWrite = {
    ...writes[0]!,
    set: Object.assign({}, ...writes.map((w) => w.set)),
    // alert and answer only add state 'open', which the attempt's carries too.
    setIfAbsent: Object.assign({}, ...writes.map((w) => w.setIfAbsent)),
    remove: [],
    guard: { kind: 'open-and-earlier-each', earlier },
  };
  return { kind: 'open', write, events: [...events], ...(attempt?.detailType === 'call.attempt' ? { attempt: attempt.detail } : {}) };
}

export function planGroup(events: readonly CallEvent[]): GroupPlan {
  // Duplicates of an end carry the same account (the edge reports a call once); the last one stands.
  const end = [...events].reverse().find((e) => e.detailType === 'call.end');
  if (end?.detailType !== 'call.end') return openPlan(events);
  const attempt = events.find((e) => e.detailType === 'call.attempt');
  const attemptDetail = attempt?.detailType === 'call.attempt' ? attempt.detail : undefined;
  return {
    kind: 'coalesced',
    write: coalescedWrite(cdrWriteFor(end), attempt ? cdrWriteFor(attempt) : undefined),
    end: end.detail,
    ...(attemptDetail ? { attempt: attemptDetail } : {}),
  };
}

/** The end's write plus the attempt's if-absent fields the end neither SETs nor REMOVEs. */
export function coalescedWrite(endWrite: CdrWrite, attemptWrite: CdrWrite | undefined): CdrWrite {
  if (!attemptWrite) return endWrite;
  const owned = new Set<string>([...Object.keys(endWrite.set), ...endWrite.remove]);
  const setIfAbsent = Object.fromEntries(Object.entries(attemptWrite.setIfAbsent).filter(([k]) => !owned.has(k)));
  return { ...endWrite, setIfAbsent: { ...endWrite.setIfAbsent, ...setIfAbsent } };
}

/** The plan's effect on a record in memory (applyCdrWrite semantics): what recordCallBatch does to the store. */
export function applyPlan(item: CdrRecord | undefined, plan: GroupPlan): CdrRecord | undefined {
  if (plan.kind === 'coalesced') return applyCdrWrite(item, plan.write).item;
  if (plan.kind === 'open') {
    const combined = applyCdrWrite(item, plan.write);
    if (combined.applied) return combined.item;
  }
  let next = item;
  for (const event of plan.events) next = applyCdrWrite(next, cdrWriteFor(event)).item;
  return next;
}
