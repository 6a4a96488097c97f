/**
 * Runtime checks of the call events (call-events.ts). They come from the bus,
 * i.e. from another process, so the cdr function checks them instead of
 * trusting the types; times are normalized to toISOString() form so that
 * they compare as strings (cdr-merge.ts relies on it).
 */
import { z } from 'zod';
import type { CallAlertDetail, CallAnswerDetail, CallAttemptDetail, CallEndDetail, CallEvent, CallEventType } from './call-events.js';
import { isoTime } from './iso-time.js';

const time = z.string().transform((text, ctx) => {
  const iso = isoTime(text);
  if (iso === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 time' });
    return z.NEVER;
  }
  return iso;
});

/** Tenant ids and Call-IDs end up in keys; keep them non-empty and bounded. */
const id = z.string().min(1).max(512);
/** contracts/call-ref.ts (a key too). */
const callRef = z.string().min(1).max(128).optional();
/** RFC 3261 §19.3: a token; kept on the CDR only. */
const fromTag = z.string().max(512).optional();

const party = z.object({ ext: z.string().min(1), displayName: z.string().optional() });
const direction = z.enum(['internal', 'inbound', 'outbound']);
const answeredBy = z.object({ contact: z.string(), bindingKey: z.string() });

export const callAttemptSchema = z.object({
  tenantId: id,
  callId: id,
  callRef,
  fromTag,
  direction,
  caller: party,
  callee: party,
  startTime: time,
  edgeId: z.string().min(1),
  bootId: z.string().min(1),
  slots: z.array(z.object({ tenantId: z.string().min(1), ext: z.string().min(1), direction: z.enum(['in', 'out']).optional() })).optional(),
  trunkId: z.string().min(1).optional(),
  trunkSlots: z.array(z.object({ tenantId: z.string().min(1), trunkId: z.string().min(1), direction: z.enum(['in', 'out']) })).optional(),
}) satisfies z.ZodType<CallAttemptDetail, unknown>;

export const callAlertSchema = z.object({
  tenantId: id,
  callId: id,
  callRef,
  time,
  status: z.union([z.literal(180), z.literal(183)]),
}) satisfies z.ZodType<CallAlertDetail, unknown>;

export const callAnswerSchema = z.object({
  tenantId: id,
  callId: id,
  callRef,
  time,
  answeredBy,
}) satisfies z.ZodType<CallAnswerDetail, unknown>;

export const callEndSchema = z.object({
  tenantId: id,
  callId: id,
  callRef,
  fromTag,
  direction,
  caller: party,
  callee: party,
  startTime: time,
  alertTime: time.optional(),
  answerTime: time.optional(),
  endTime: time,
  answeredBy: answeredBy.optional(),
  disposition: z.enum(['answered', 'busy', 'no-answer', 'cancelled', 'failed', 'rejected']),
  status: z.number().int().min(0).max(699),
  hangupBy: z.enum(['caller', 'callee', 'system']),
  reason: z.string().optional(),
  trunkId: z.string().min(1).optional(),
}) satisfies z.ZodType<CallEndDetail, unknown>;

const SCHEMAS: Record<CallEventType, z.ZodType> = {
  'call.attempt': callAttemptSchema,
  'call.alert': callAlertSchema,
  'call.answer': callAnswerSchema,
  'call.end': callEndSchema,
};

export function isCallEventType(type: unknown): type is CallEventType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(SCHEMAS, type);
}

/** The checked, normalized event; throws naming the offending fields. */
export function parseCallEvent(detailType: CallEventType, detail: unknown): CallEvent {
  const result = SCHEMAS[detailType].safeParse(detail);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(detail)'}: ${i.message}`);
    throw new Error(`Invalid ${detailType} detail: ${problems.join('; ')}`);
  }
  return { detailType, detail: result.data } as CallEvent;
}
