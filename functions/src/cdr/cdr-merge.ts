/**
 * How each call event changes a CDR, as data (a CdrWrite) that the store
 * turns into ONE DynamoDB UpdateItem (no read, no transaction), and that
 * applyCdrWrite applies in memory with the same semantics (the reference the
 * unit tests check every event order against).
 *
 * Order independence and idempotency come from who owns which field:
 * - call.end is the edge's complete account: it SETs every call field and
 *   REMOVEs the optional ones it does not have, and closes the record. A
 *   repeated end writes the same values.
 * - call.attempt only fills what is absent (if_not_exists): before the end
 *   it opens the record, after the end it adds only what the end does not
 *   carry (edgeId, bootId, slots) and never reopens it.
 * - trunkId: the end's wins (after an outbound failover the call ended on
 *   another trunk than the attempt's first); an end without one leaves the
 *   attempt's, so it is `end.trunkId ?? attempt.trunkId` in every order.
 * - call.alert and call.answer only touch an open record, and only move
 *   their time earlier, so duplicates and late arrivals change nothing and
 *   whichever alert comes first the earliest one stays.
 * - the reaper's timeout close only touches an open record; a real call.end
 *   arriving later still wins (it knows better than the timeout).
 *
 * A record is one call: the events' callRef (contracts/call-ref.ts) is its
 * key, so a second INVITE that reused a Call-ID never merges into the CDR
 * of the first (issue 12). Events without one (an earlier edge) are keyed
 * by their Call-ID, as before.
 */
import type { CallAlertDetail, CallAnswerDetail, CallAttemptDetail, CallEndDetail, CallEvent } from '../../../contracts/bus/call-events.js';
import { callRefOf } from '../../../contracts/call-ref.js';
import { callDurations, cdrIndexPartition, cdrIndexSort, type CdrRecord } from './cdr-record.js';

type Attribute = Exclude<keyof CdrRecord, 'tenantId' | 'callId' | 'callRef'>;
type Values = { [K in keyof CdrRecord]?: CdrRecord[K] };

/** Applied only when the guard holds; otherwise the write changes nothing. */
export type CdrGuard =
  /** The record is absent or not closed. */
  | { kind: 'open' }
  /** Open, and `attribute` is absent or later than `value` (ISO times compare as strings). */
  | { kind: 'open-and-earlier'; attribute: 'alertTime' | 'answerTime'; value: string }
  /** Open, and each attribute absent or later than its value (a batch's alert and answer together, cdr-coalesce.ts). */
  | { kind: 'open-and-earlier-each'; earlier: { attribute: 'alertTime' | 'answerTime'; value: string }[] };

export interface CdrWrite {
  tenantId: string;
  callId: string;
  /** With tenantId, the record's key (callRefOf: the Call-ID when absent). SET like tenantId and callId. */
  callRef?: string;
  /** SET unconditionally. */
  set: Values;
  /** SET only where absent: if_not_exists. */
  setIfAbsent: Values;
  remove: Attribute[];
  guard?: CdrGuard;
}

function defined<T extends object>(values: T): T {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as T;
}

/** The names every write of a call carries: tenant, Call-ID, and callRef when the edge named one. */
function callKey(d: { tenantId: string; callId: string; callRef?: string }): Pick<CdrWrite, 'tenantId' | 'callId' | 'callRef'> {
  return { tenantId: d.tenantId, callId: d.callId, ...(d.callRef !== undefined ? { callRef: d.callRef } : {}) };
}

function attemptWrite(d: CallAttemptDetail): CdrWrite {
  return {
    ...callKey(d),
    set: {},
    setIfAbsent: defined({
      state: 'open' as const,
      fromTag: d.fromTag,
      direction: d.direction,
      caller: d.caller,
      callee: d.callee,
      startTime: d.startTime,
      gsi1pk: cdrIndexPartition(d.tenantId),
      gsi1sk: cdrIndexSort(d.startTime, callRefOf(d)),
      edgeId: d.edgeId,
      bootId: d.bootId,
      slots: d.slots,
      trunkId: d.trunkId,
      trunkSlots: d.trunkSlots,
    }),
    remove: [],
  };
}

function alertWrite(d: CallAlertDetail): CdrWrite {
  return {
    ...callKey(d),
    set: { alertTime: d.time },
    setIfAbsent: { state: 'open' },
    remove: [],
    guard: { kind: 'open-and-earlier', attribute: 'alertTime', value: d.time },
  };
}

function answerWrite(d: CallAnswerDetail): CdrWrite {
  return {
    ...callKey(d),
    set: { answerTime: d.time, answeredBy: d.answeredBy },
    setIfAbsent: { state: 'open' },
    remove: [],
    guard: { kind: 'open-and-earlier', attribute: 'answerTime', value: d.time },
  };
}

/** Optional fields of call.end: absent in the end means absent in the CDR. */
const END_OPTIONAL: readonly ('alertTime' | 'answerTime' | 'answeredBy' | 'reason')[] = ['alertTime', 'answerTime', 'answeredBy', 'reason'];

function endWrite(d: CallEndDetail): CdrWrite {
  const set: Values = defined({
    state: 'closed' as const,
    closedBy: 'edge' as const,
    fromTag: d.fromTag,
    direction: d.direction,
    caller: d.caller,
    callee: d.callee,
    startTime: d.startTime,
    alertTime: d.alertTime,
    answerTime: d.answerTime,
    endTime: d.endTime,
    answeredBy: d.answeredBy,
    disposition: d.disposition,
    status: d.status,
    hangupBy: d.hangupBy,
    reason: d.reason,
    trunkId: d.trunkId,
    ...callDurations(d),
    gsi1pk: cdrIndexPartition(d.tenantId),
    gsi1sk: cdrIndexSort(d.startTime, callRefOf(d)),
  });
  return { ...callKey(d), set, setIfAbsent: {}, remove: END_OPTIONAL.filter((f) => d[f] === undefined), guard: undefined };
}

export function cdrWriteFor(event: CallEvent): CdrWrite {
  switch (event.detailType) {
    case 'call.attempt':
      return attemptWrite(event.detail);
    case 'call.alert':
      return alertWrite(event.detail);
    case 'call.answer':
      return answerWrite(event.detail);
    case 'call.end':
      return endWrite(event.detail);
  }
}

export const EDGE_LOST_REASON = 'edge lost';

/**
 * The reaper's close of a call whose edge died (no call.end will come): it
 * ended at the latest when the edge was last known alive. Answered calls
 * keep 200 as their final status; otherwise none is known (0).
 */
export function timeoutCloseWrite(current: CdrRecord, lostAt: string): CdrWrite {
  const startTime = current.startTime ?? lostAt;
  // Clock skew between edge and functions must not make the end precede what the edge reported.
  const endTime = [lostAt, startTime, current.alertTime, current.answerTime].filter((t): t is string => t !== undefined).sort().at(-1)!;
  const answered = current.answerTime !== undefined;
  return {
    ...callKey(current),
    set: {
      state: 'closed',
      closedBy: 'timeout',
      endTime,
      disposition: answered ? 'answered' : 'failed',
      status: answered ? 200 : 0,
      hangupBy: 'system',
      reason: EDGE_LOST_REASON,
      ...callDurations({ startTime, endTime, ...defined({ alertTime: current.alertTime, answerTime: current.answerTime }) }),
    },
    // A CDR whose attempt write was lost still lands in the reports' index.
    setIfAbsent:
      current.startTime !== undefined
        ? { startTime, gsi1pk: cdrIndexPartition(current.tenantId), gsi1sk: cdrIndexSort(startTime, callRefOf(current)) }
        : {},
    remove: [],
    guard: { kind: 'open' },
  };
}

function guardHolds(item: CdrRecord | undefined, guard: CdrGuard | undefined): boolean {
  if (!guard) return true;
  if (item?.state === 'closed') return false;
  if (guard.kind === 'open') return true;
  const earlier = guard.kind === 'open-and-earlier' ? [guard] : guard.earlier;
  return earlier.every(({ attribute, value }) => {
    const current = item?.[attribute];
    return current === undefined || current > value;
  });
}

/**
 * The write's effect on a record (undefined = no record yet), with the
 * semantics of the DynamoDB UpdateItem the store issues: a failed guard
 * changes nothing; otherwise the item is created if needed, SET, SET
 * if_not_exists, then REMOVE.
 */
export function applyCdrWrite(item: CdrRecord | undefined, write: CdrWrite): { item: CdrRecord | undefined; applied: boolean } {
  if (!guardHolds(item, write.guard)) return { item, applied: false };
  const next: Record<string, unknown> = { ...(item ?? {}), ...callKey(write) };
  for (const [k, v] of Object.entries(write.set)) next[k] = v;
  for (const [k, v] of Object.entries(write.setIfAbsent)) if (next[k] === undefined) next[k] = v;
  for (const k of write.remove) delete next[k];
  return { item: next as unknown as CdrRecord, applied: true };
}
