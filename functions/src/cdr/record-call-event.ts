/**
 * One call event into the CDR store: the CDR update (cdr-merge.ts) plus the
 * open-call index the reaper uses to find calls of a dead edge.
 *
 * The index is kept right whatever the order: attempt writes the index
 * entry BEFORE opening the CDR and deletes it again if the CDR turns out to
 * be closed already; end closes the CDR and then deletes the entry. Every
 * interleaving of the two leaves no entry behind for a closed call.
 */
import type { CdrStore, OpenCall } from './cdr-repository.js';
import type { CallAttemptDetail, CallEvent } from '../../../contracts/bus/call-events.js';
import { cdrWriteFor } from './cdr-merge.js';
import { callRefOf } from '../../../contracts/call-ref.js';
import type { CdrState } from './cdr-record.js';

export interface CdrDeps {
  cdrs: CdrStore;
  /**
   * Calls of a batch written at the same time (default 8). The local stack
   * writes one at a time: its store and its SIP side share two cores, and
   * eight CDR writes at once queue the next INVITE's read behind them
   * (issue 14: the edge's added latency).
   */
  writeConcurrency?: number;
}

export interface RecordCallEventResult {
  tenantId: string;
  callId: string;
  /** The CDR's key (callRefOf). */
  callRef: string;
  /** False when the event had nothing left to change (e.g. an alert after the end). */
  applied: boolean;
  state?: CdrState;
}

/** The open-call index entry of an attempt. */
export function openCallOf(d: CallAttemptDetail): OpenCall {
  return {
    edgeId: d.edgeId,
    tenantId: d.tenantId,
    callId: d.callId,
    ...(d.callRef !== undefined ? { callRef: d.callRef } : {}),
    bootId: d.bootId,
    startTime: d.startTime,
    slots: d.slots ?? [],
  };
}

export async function recordCallEvent(event: CallEvent, deps: CdrDeps): Promise<RecordCallEventResult> {
  const { tenantId, callId } = event.detail;
  const callRef = callRefOf(event.detail);
  const write = cdrWriteFor(event);

  if (event.detailType === 'call.attempt') {
    const d = event.detail;
    await deps.cdrs.putOpenCall(openCallOf(d));
    const after = await deps.cdrs.applyWrite(write);
    if (after?.state === 'closed') await deps.cdrs.deleteOpenCall(d.edgeId, tenantId, callRef);
    return { tenantId, callId, callRef, applied: after !== undefined, ...(after?.state ? { state: after.state } : {}) };
  }

  const after = await deps.cdrs.applyWrite(write);
  if (event.detailType === 'call.end' && after?.edgeId !== undefined) await deps.cdrs.deleteOpenCall(after.edgeId, tenantId, callRef);
  return { tenantId, callId, callRef, applied: after !== undefined, ...(after?.state ? { state: after.state } : {}) };
}
