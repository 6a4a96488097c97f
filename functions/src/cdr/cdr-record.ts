/**
 * A call detail record: one per call, built from the call events
 * (call-events.ts) in whatever order they arrive. Pure types and maths.
 * "One call" is one callRef (contracts/call-ref.ts): two INVITEs with one
 * Call-ID are two calls with two CDRs, told apart by `fromTag` and `callRef`.
 */
import type { CallDirection, CallParty, CallSlot, TrunkSlot } from '../../../contracts/function-events.js';
import type { AnsweredBy, CallDisposition, HangupBy } from '../../../contracts/bus/call-events.js';

export type CdrState = 'open' | 'closed';

/** Who closed the record: the edge's call.end, or the reaper after the edge was lost. */
export type CdrClosedBy = 'edge' | 'timeout';

/** The stored CDR attributes (keys aside). Fields are optional because events may arrive in any order. */
export interface CdrRecord {
  tenantId: string;
  /** The SIP Call-ID. */
  callId: string;
  /** The PBX's identity of the call, the CDR's key; absent on CDRs an earlier edge reported (keyed by Call-ID). */
  callRef?: string;
  /** The caller's From tag. */
  fromTag?: string;
  state?: CdrState;
  closedBy?: CdrClosedBy;
  direction?: CallDirection;
  caller?: CallParty;
  callee?: CallParty;
  /** ISO-8601 times. */
  startTime?: string;
  alertTime?: string;
  answerTime?: string;
  endTime?: string;
  answeredBy?: AnsweredBy;
  disposition?: CallDisposition;
  /** Final SIP status; 0 = none known. */
  status?: number;
  hangupBy?: HangupBy;
  reason?: string;
  /** From first alert to answer (or to the end when unanswered); 0 when it never rang. */
  ringSeconds?: number;
  /** From answer to end; 0 when unanswered. */
  talkSeconds?: number;
  /** The edge carrying the call (from call.attempt). */
  edgeId?: string;
  bootId?: string;
  slots?: CallSlot[];
  /** The SIP trunk of the call (inbound: where it arrived; outbound: the one it ended on). */
  trunkId?: string;
  /** Trunk slots the call took (from call.attempt). */
  trunkSlots?: TrunkSlot[];
  /** Secondary index for reports: CDR#<tenantId> / <startTime>#<callRef> (Query by time range). */
  gsi1pk?: string;
  gsi1sk?: string;
}

export const cdrIndexPartition = (tenantId: string): string => `CDR#${tenantId}`;

/** ISO times sort as strings, so a Query between two times reads only that range. `callRef`: callRefOf (contracts/call-ref.ts). */
export const cdrIndexSort = (startTime: string, callRef: string): string => `${startTime}#${callRef}`;

/** Seconds (millisecond precision) between two ISO times, never negative. */
function secondsBetween(from: string, to: string): number {
  return Math.max(0, Date.parse(to) - Date.parse(from)) / 1000;
}

export interface CallTimes {
  startTime: string;
  alertTime?: string;
  answerTime?: string;
  endTime: string;
}

/**
 * Ring time runs from the first alert (180/183) until the call is answered
 * or given up; talk time from the answer to the end (MSS basic call report).
 */
export function callDurations(t: CallTimes): { ringSeconds: number; talkSeconds: number } {
  return {
    ringSeconds: t.alertTime !== undefined ? secondsBetween(t.alertTime, t.answerTime ?? t.endTime) : 0,
    talkSeconds: t.answerTime !== undefined ? secondsBetween(t.answerTime, t.endTime) : 0,
  };
}

