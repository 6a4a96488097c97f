/**
 * Lambda entry of audit-trunk-slots: validates the event and calls
 * auditTrunkSlots(). Needs only the store settings.
 */
import middy from '@middy/core';
import type { AuditTrunkSlotsEvent, AuditTrunkSlotsResult } from '../../../contracts/function-events.js';
import { auditTrunkSlotsEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { auditTrunkSlots, type AuditTrunkSlotsDeps } from './audit-trunk-slots.js';

export function createAuditTrunkSlotsHandler(deps: AuditTrunkSlotsDeps | (() => AuditTrunkSlotsDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<AuditTrunkSlotsEvent, AuditTrunkSlotsResult>()
    .use(parseEvent(auditTrunkSlotsEventSchema))
    .handler(async (event) => auditTrunkSlots(event, getDeps()));
}

/** auditTrunkSlots' dependencies, from the functions runtime. */
export function auditTrunkSlotsDeps(rt: FunctionsRuntime): AuditTrunkSlotsDeps {
  return { trunkUsage: rt.stores.trunkUsage, now: rt.now };
}

export const handler = createAuditTrunkSlotsHandler(() => auditTrunkSlotsDeps(runtimeFromEnv()));
