/**
 * Lambda entry of trunk-status: a bus consumer (contracts/bus/event-routes.ts:
 * TrunkStatusToStore). Like cdr it accepts EventBridge's envelope and the
 * in-process PbxEvent. Other event types are ignored (a rule that matches
 * too much must not fail); a malformed detail throws, so EventBridge retries
 * it and then dead-letters it where an admin can see it.
 */
import middy from '@middy/core';
import { detailOf, detailTypeOf, type IncomingBusEvent } from '../../../contracts/bus/event-routes.js';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { parseTrunkStatusDetail, TRUNK_STATUS_DETAIL_TYPE } from '../../../contracts/bus/trunk-status-schema.js';
import { recordTrunkStatus, type RecordTrunkStatusResult, type TrunkStatusDeps } from './trunk-status.js';

export type TrunkStatusHandlerResult = RecordTrunkStatusResult | { ignored: true; detailType: string | undefined };

export async function handleTrunkStatusEvent(event: IncomingBusEvent, deps: TrunkStatusDeps): Promise<TrunkStatusHandlerResult> {
  const detailType = detailTypeOf(event);
  if (detailType !== TRUNK_STATUS_DETAIL_TYPE) return { ignored: true, detailType };
  return recordTrunkStatus(parseTrunkStatusDetail(detailOf(event)), deps);
}

export function createTrunkStatusHandler(deps: TrunkStatusDeps | (() => TrunkStatusDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<IncomingBusEvent, TrunkStatusHandlerResult>().handler(async (event) => handleTrunkStatusEvent(event, getDeps()));
}

/** trunkStatus's dependencies, from the functions runtime. */
export function trunkStatusDeps(rt: FunctionsRuntime): TrunkStatusDeps {
  return { trunkStatus: rt.stores.trunkStatus, now: rt.now };
}

export const handler = createTrunkStatusHandler(() => trunkStatusDeps(runtimeFromEnv()));
