/**
 * The call events an edge publishes on the bus (source 'nimbus.edge') as a
 * call goes on, and the `cdr` function turns into one CDR per call. Shared
 * by the edge (publisher) and the functions (consumer).
 *
 * Delivery is at least once and in any order (EventBridge guarantees
 * neither order nor exactly-once), so every detail carries the tenant,
 * Call-ID and callRef (the CDR's key, contracts/call-ref.ts; absent from an
 * earlier edge: the Call-ID is the key), and `call.end` carries everything
 * a CDR needs on its own.
 * Times are ISO-8601 (`Date.prototype.toISOString()`).
 *
 * Detail types are object type aliases, not interfaces, so they are
 * assignable to PbxEvent's `Record<string, unknown>` detail.
 */
import type { CallDirection, CallParty, CallSlot, TrunkSlot } from '../function-events.js';
import type { PbxEvent } from './pbx-event.js';

/** How a call ended (MSS CDR "disposition"). */
export type CallDisposition = 'answered' | 'busy' | 'no-answer' | 'cancelled' | 'failed' | 'rejected';

/** Who ended the call; 'system' = the PBX (timeouts, errors, a lost edge). */
export type HangupBy = 'caller' | 'callee' | 'system';

/** The device that answered: one of the CallTargets of authorize-call. */
export type AnsweredBy = { contact: string; bindingKey: string };

/** The edge accepted the INVITE and starts forking (RFC 3261 §16). */
export type CallAttemptDetail = {
  tenantId: string;
  callId: string;
  callRef?: string;
  /** The caller's From tag. */
  fromTag?: string;
  direction: CallDirection;
  caller: CallParty;
  callee: CallParty;
  startTime: string;
  /** The edge carrying the call and its boot: if it dies, the reaper closes the CDR. */
  edgeId: string;
  bootId: string;
  /** The slots authorize-call took (call.slots), released by the reaper if the edge dies mid-call. */
  slots?: CallSlot[];
  /** The trunk the call arrived on / first left through (RoutedCall.trunkId). */
  trunkId?: string;
  /** Trunk slots taken for the call (RoutedCall.trunkSlots); kept on the CDR like `slots`. */
  trunkSlots?: TrunkSlot[];
};

/** First provisional response with a To tag (180 Ringing or 183 Session Progress). */
export type CallAlertDetail = {
  tenantId: string;
  callId: string;
  callRef?: string;
  time: string;
  status: 180 | 183;
};

/** A 2xx was forwarded to the caller (RFC 3261 §16.7 step 5). */
export type CallAnswerDetail = {
  tenantId: string;
  callId: string;
  callRef?: string;
  time: string;
  answeredBy: AnsweredBy;
};

/** The call is over: the edge's complete, authoritative account of it. */
export type CallEndDetail = {
  tenantId: string;
  callId: string;
  callRef?: string;
  fromTag?: string;
  direction: CallDirection;
  caller: CallParty;
  callee: CallParty;
  startTime: string;
  alertTime?: string;
  answerTime?: string;
  endTime: string;
  answeredBy?: AnsweredBy;
  disposition: CallDisposition;
  /** Final SIP status of the INVITE (200 for answered calls; 0 when none was ever received). */
  status: number;
  hangupBy: HangupBy;
  /** Free text for admins, e.g. the Reason header (RFC 3326) or 'edge lost'. */
  reason?: string;
  /** The trunk the call ended on: after an outbound failover, not the attempt's first trunk. */
  trunkId?: string;
};

export interface CallEventDetails {
  'call.attempt': CallAttemptDetail;
  'call.alert': CallAlertDetail;
  'call.answer': CallAnswerDetail;
  'call.end': CallEndDetail;
}

export type CallEventType = keyof CallEventDetails;

export const CALL_EVENT_TYPES: readonly CallEventType[] = ['call.attempt', 'call.alert', 'call.answer', 'call.end'];

/** One call event, as the cdr function sees it after normalizing the envelope. */
export type CallEvent = { [T in CallEventType]: { detailType: T; detail: CallEventDetails[T] } }[CallEventType];

/** The bus envelope of a call event, as an edge publishes it. */
export function callEvent<T extends CallEventType>(detailType: T, detail: CallEventDetails[T], time: string = new Date().toISOString()): PbxEvent {
  return { source: 'nimbus.edge', detailType, time, detail };
}
