import { callEvent, type CallEventDetails, type CallEventType } from '../../../contracts/bus/call-events.js';
import type { AuthorizeCallResult } from '../../../contracts/function-events.js';
import type { ProxyContext } from './proxy-context.js';

/**
 * Reports a step of a call's life to the bus with the typed builder of
 * contracts/bus/call-events.ts (the `cdr` function turns them into one CDR).
 * Publishing never blocks or breaks call handling: a bus failure is logged,
 * and the reaper closes CDRs whose end never arrived.
 */
export function publishCallEvent<T extends CallEventType>(ctx: Pick<ProxyContext, 'bus' | 'logger'>, detailType: T, detail: CallEventDetails[T]): void {
  ctx.bus.publish([callEvent(detailType, detail)]).catch((err) => ctx.logger.warn({ err, detailType, callId: detail.callId }, 'call event not published'));
}

/** A call refused before any device rang (unknown number, offline callee, over a limit): attempt and end at once. */
export function reportRefusedCall(
  ctx: Pick<ProxyContext, 'bus' | 'logger' | 'identity'>,
  refused: NonNullable<Extract<AuthorizeCallResult, { decision: 'reply' }>['rejectedCall']>,
  status: number,
): void {
  const now = new Date().toISOString();
  const { call, disposition } = refused;
  publishCallEvent(ctx, 'call.attempt', { ...call, startTime: now, edgeId: ctx.identity.id, bootId: ctx.identity.bootId, slots: [] });
  publishCallEvent(ctx, 'call.end', { ...call, startTime: now, endTime: now, disposition, status, hangupBy: 'system' });
}
