import type { AuthorizeCallResult } from '../../../contracts/function-events.js';
import type { PbxEventType } from '../../../contracts/bus/pbx-event.js';
import type { ProxyContext } from './proxy-context.js';

export type CallDisposition = 'answered' | 'busy' | 'no-answer' | 'cancelled' | 'failed' | 'rejected';
export type HangupBy = 'caller' | 'callee' | 'system';

/**
 * Reports a step of a call's life to the bus (the `cdr` function turns them
 * into one CDR). Publishing never blocks or breaks call handling: a bus
 * failure is logged, and the reaper closes CDRs whose end never arrived.
 */
export function publishCallEvent(ctx: ProxyContext, detailType: Extract<PbxEventType, `call.${string}`>, detail: Record<string, unknown>): void {
  ctx.bus
    .publish([{ source: 'nimbus.edge', detailType, time: new Date().toISOString(), detail }])
    .catch((err) => ctx.logger.warn({ err, detailType, callId: detail.callId }, 'call event not published'));
}

/** A call refused before any device rang (unknown number, offline callee, over a limit): attempt and end at once. */
export function reportRefusedCall(ctx: ProxyContext, refused: NonNullable<Extract<AuthorizeCallResult, { decision: 'reply' }>['rejectedCall']>, status: number): void {
  const now = new Date().toISOString();
  const { call, disposition } = refused;
  publishCallEvent(ctx, 'call.attempt', { ...call, startTime: now, edgeId: ctx.identity.id, bootId: ctx.identity.bootId, slots: [] });
  publishCallEvent(ctx, 'call.end', { ...call, startTime: now, endTime: now, disposition, status, hangupBy: 'system' });
}
