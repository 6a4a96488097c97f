/**
 * Lambda entry of cdr: a bus consumer. EventBridge delivers
 * `{ source, 'detail-type', detail, time, … }`; the in-process bus a PbxEvent
 * `{ source, detailType, detail, time }`. Both are accepted and normalized,
 * so one handler serves the cloud rule and the local route
 * (contracts/bus/event-routes.ts: CallEventsToCdr).
 *
 * Events of other types are ignored (a rule that matches too much must not
 * fail). A malformed call event throws: EventBridge retries it and then
 * sends it to the dead-letter queue, where an admin can see it.
 */
import middy from '@middy/core';
import { detailOf, detailTypeOf, type IncomingBusEvent } from '../../../contracts/bus/event-routes.js';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { isCallEventType, parseCallEvent } from '../../../contracts/bus/call-event-schemas.js';
import { recordCallEvent, type CdrDeps, type RecordCallEventResult } from './record-call-event.js';

export { detailTypeOf, type IncomingBusEvent };

export type CdrHandlerResult = RecordCallEventResult | { ignored: true; detailType: string | undefined };

export async function handleBusEvent(event: IncomingBusEvent, deps: CdrDeps): Promise<CdrHandlerResult> {
  const detailType = detailTypeOf(event);
  if (!isCallEventType(detailType)) return { ignored: true, detailType };
  return recordCallEvent(parseCallEvent(detailType, detailOf(event)), deps);
}

export function createCdrHandler(deps: CdrDeps | (() => CdrDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<IncomingBusEvent, CdrHandlerResult>().handler(async (event) => handleBusEvent(event, getDeps()));
}

/** cdr's dependencies, from the functions runtime. */
export function cdrDeps(rt: FunctionsRuntime): CdrDeps {
  return { cdrs: rt.stores.cdrs };
}

export const handler = createCdrHandler(() => cdrDeps(runtimeFromEnv()));
