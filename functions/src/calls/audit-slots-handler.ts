/**
 * Lambda entry of audit-slots: validates the event and calls
 * auditSlots(). Needs only the store settings.
 */
import middy from '@middy/core';
import type { AuditSlotsEvent, AuditSlotsResult } from '../../../contracts/function-events.js';
import { auditSlotsEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { auditSlots, type AuditSlotsDeps } from './audit-slots.js';

export function createAuditSlotsHandler(deps: AuditSlotsDeps | (() => AuditSlotsDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<AuditSlotsEvent, AuditSlotsResult>()
    .use(parseEvent(auditSlotsEventSchema))
    .handler(async (event) => auditSlots(event, getDeps()));
}

/** auditSlots' dependencies, from the functions runtime. */
export function auditSlotsDeps(rt: FunctionsRuntime): AuditSlotsDeps {
  return { trunkUsage: rt.stores.trunkUsage, carriedCalls: rt.stores.carriedCalls, now: rt.now };
}

export const handler = createAuditSlotsHandler(() => auditSlotsDeps(runtimeFromEnv()));
