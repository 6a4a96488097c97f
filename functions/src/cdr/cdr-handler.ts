/**
 * Lambda entry of cdr: a bus consumer. In the cloud it reads an SQS queue
 * the CallEventsToCdr rule feeds (infra/pbx-event-routing.ts), in batches
 * (`{ Records: [{ messageId, body }] }`, sqs-batch.ts); locally the
 * in-process bus hands it the same shape (edge/src/local-stack/local-background.ts).
 * A batch is written with as few requests as possible (record-call-batch.ts)
 * and answered with the records to retry (batchItemFailures); a malformed
 * record is one of those (after the queue's retries it lands in the DLQ,
 * where an admin sees it) and never fails the rest of the batch.
 *
 * A single bus event (EventBridge's `{ source, 'detail-type', detail }` or a
 * PbxEvent `{ detailType, detail }`) is still accepted, for compatibility:
 * events of other types are ignored, a malformed call event throws.
 */
import middy from '@middy/core';
import { detailOf, detailTypeOf, type IncomingBusEvent } from '../../../contracts/bus/event-routes.js';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { isCallEventType, parseCallEvent } from '../../../contracts/bus/call-event-schemas.js';
import { recordCallEvent, type CdrDeps, type RecordCallEventResult } from './record-call-event.js';
import { recordCallBatch } from './record-call-batch.js';
import { isSqsBatch, parseSqsRecord, type SqsBatchEvent, type SqsBatchResponse } from './sqs-batch.js';

export { detailTypeOf, type IncomingBusEvent };

export type CdrHandlerResult = RecordCallEventResult | { ignored: true; detailType: string | undefined } | SqsBatchResponse;

export async function handleBusEvent(event: IncomingBusEvent, deps: CdrDeps): Promise<RecordCallEventResult | { ignored: true; detailType: string | undefined }> {
  const detailType = detailTypeOf(event);
  if (!isCallEventType(detailType)) return { ignored: true, detailType };
  return recordCallEvent(parseCallEvent(detailType, detailOf(event)), deps);
}

export interface BatchLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

const consoleLog: BatchLog = { warn: (fields, message) => console.warn(JSON.stringify({ level: 'warn', msg: message, ...fields })) };

export async function handleSqsBatch(event: SqsBatchEvent, deps: CdrDeps, log: BatchLog = consoleLog): Promise<SqsBatchResponse> {
  const parsed = event.Records.map((r, i) => parseSqsRecord(r, i));
  const failures: string[] = [];
  for (const p of parsed) {
    if (p.kind !== 'malformed') continue;
    log.warn({ messageId: p.id, error: p.error }, 'malformed call event record');
    failures.push(p.id);
  }
  const calls = parsed.flatMap((p) => (p.kind === 'call' ? [{ id: p.id, event: p.event }] : []));
  const result = await recordCallBatch(calls, deps);
  if (result.failed.length > 0) log.warn({ failed: result.failed.length, error: String(result.errors[0]) }, 'CDR writes failed; records returned for retry');
  failures.push(...result.failed);
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

export function createCdrHandler(deps: CdrDeps | (() => CdrDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<IncomingBusEvent | SqsBatchEvent, CdrHandlerResult>().handler(async (event) =>
    isSqsBatch(event) ? handleSqsBatch(event, getDeps()) : handleBusEvent(event, getDeps()),
  );
}

/** cdr's dependencies, from the functions runtime. */
export function cdrDeps(rt: FunctionsRuntime): CdrDeps {
  return { cdrs: rt.stores.cdrs, ...(rt.cdrWriteConcurrency !== undefined ? { writeConcurrency: rt.cdrWriteConcurrency } : {}) };
}

export const handler = createCdrHandler(() => cdrDeps(runtimeFromEnv()));
