/**
 * The SQS batch shape cdr receives from its queue (cloud: EventBridge rule →
 * SQS → Lambda event source; locally the in-process bus builds the same
 * shape, edge/src/local-stack/local-background.ts). Each record's body is
 * the EventBridge event as JSON, as an SQS target of a rule delivers it.
 * Partial failures are answered with batchItemFailures (the event source's
 * ReportBatchItemFailures): SQS redelivers only those records.
 */
import { detailOf, detailTypeOf, type IncomingBusEvent } from '../../../contracts/bus/event-routes.js';
import { isCallEventType, parseCallEvent } from '../../../contracts/bus/call-event-schemas.js';
import type { CallEvent } from '../../../contracts/bus/call-events.js';

export interface SqsBatchEvent {
  Records: { messageId: string; body: string }[];
}

export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

export function isSqsBatch(event: unknown): event is SqsBatchEvent {
  return typeof event === 'object' && event !== null && Array.isArray((event as { Records?: unknown }).Records);
}

export type ParsedRecord =
  | { kind: 'call'; id: string; event: CallEvent }
  | { kind: 'ignored'; id: string; detailType: string | undefined }
  | { kind: 'malformed'; id: string; error: string };

/** One record: a call event, another event type (ignored, as a rule that matches too much must not fail), or malformed. */
export function parseSqsRecord(record: unknown, index: number): ParsedRecord {
  const r = (typeof record === 'object' && record !== null ? record : {}) as { messageId?: unknown; body?: unknown };
  const id = typeof r.messageId === 'string' && r.messageId !== '' ? r.messageId : `#${index}`;
  if (typeof r.body !== 'string') return { kind: 'malformed', id, error: 'record has no body' };
  try {
    const event = JSON.parse(r.body) as IncomingBusEvent;
    if (typeof event !== 'object' || event === null) return { kind: 'malformed', id, error: 'body is not an event object' };
    const detailType = detailTypeOf(event);
    if (!isCallEventType(detailType)) return { kind: 'ignored', id, detailType };
    return { kind: 'call', id, event: parseCallEvent(detailType, detailOf(event)) };
  } catch (err) {
    return { kind: 'malformed', id, error: (err as Error).message };
  }
}
