/**
 * Runtime check of a 'trunk.status' detail (contracts/bus/trunk-status-event.ts):
 * it comes over the bus from another process. `since` is normalized to
 * toISOString() form so that stored times compare as strings.
 */
import { z } from 'zod';
import type { TrunkStatusDetail } from './trunk-status-event.js';
import { isoTime } from './iso-time.js';

export const TRUNK_STATUS_DETAIL_TYPE = 'trunk.status';

const isoInstant = z.string().transform((text, ctx) => {
  const iso = isoTime(text);
  if (iso === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 time' });
    return z.NEVER;
  }
  return iso;
});

export const trunkStatusDetailSchema = z.object({
  tenantId: z.string().min(1).max(512),
  trunkId: z.string().min(1).max(512),
  status: z.enum(['online', 'offline']),
  // Carrier reason phrases: bounded, never credentials (the edge puts none in).
  lastError: z.string().max(1024).optional(),
  since: isoInstant,
  edgeId: z.string().min(1),
}) satisfies z.ZodType<TrunkStatusDetail, unknown>;

/** The checked, normalized detail; throws naming the offending fields. */
export function parseTrunkStatusDetail(detail: unknown): TrunkStatusDetail {
  const result = trunkStatusDetailSchema.safeParse(detail);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(detail)'}: ${i.message}`);
    throw new Error(`Invalid ${TRUNK_STATUS_DETAIL_TYPE} detail: ${problems.join('; ')}`);
  }
  return result.data;
}
