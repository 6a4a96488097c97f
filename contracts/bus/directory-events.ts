/**
 * The bus event every admin write publishes: "this part of the directory
 * changed" (tenants, users, trunks, settings). The caches of directory data
 * drop their entries on it where it reaches them — the warm functions'
 * directory (functions/src/directory/cached-directory.ts) and the edge's
 * domain realms (edge/src/core/registrar-challenges.ts), both told by the
 * in-process bus of the local stack; elsewhere their TTL bounds staleness
 * (docs/architecture.md "Caches"). In the cloud EventBridge delivers it
 * within seconds, at least once, in any order — so it says WHAT changed,
 * never the new value: a consumer re-reads.
 *
 * Routed to the admins' event log (contracts/bus/event-routes.ts
 * 'DirectoryChangesToEventLog'). Never carries a secret.
 */
import { z } from 'zod';
import { isoTime } from './iso-time.js';
import type { PbxEvent } from './pbx-event.js';

export const DIRECTORY_CHANGED_DETAIL_TYPE = 'directory.changed';

export type DirectoryKind = 'tenant' | 'user' | 'trunk' | 'settings';
export type DirectoryOp = 'created' | 'updated' | 'deleted';

/** A type alias, not an interface: PbxEvent details must be assignable to Record<string, unknown>. */
export type DirectoryChangedDetail = {
  /** The tenant; absent for system-wide settings (kind 'settings', id 'system'). */
  tenantId?: string;
  kind: DirectoryKind;
  /** Tenant id, extension, trunk id, or 'system' / the tenant id for settings. */
  id: string;
  op: DirectoryOp;
  /** Tenant changes: every domain the change touched (old and new), so caches keyed by domain know what to drop. */
  domains?: string[];
  /** When the change was written (ISO-8601). */
  changedAt: string;
};

const isoInstant = z.string().transform((text, ctx) => {
  const iso = isoTime(text);
  if (iso === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 time' });
    return z.NEVER;
  }
  return iso;
});

export const directoryChangedSchema = z.object({
  tenantId: z.string().min(1).max(63).optional(),
  kind: z.enum(['tenant', 'user', 'trunk', 'settings']),
  id: z.string().min(1).max(255),
  op: z.enum(['created', 'updated', 'deleted']),
  domains: z.array(z.string().min(1)).optional(),
  changedAt: isoInstant,
}) satisfies z.ZodType<DirectoryChangedDetail, unknown>;

export interface DirectoryChange {
  tenantId?: string;
  kind: DirectoryKind;
  id: string;
  op: DirectoryOp;
  domains?: readonly string[];
}

export function directoryChangedEvent(change: DirectoryChange, now: Date = new Date()): PbxEvent<DirectoryChangedDetail> {
  const detail: DirectoryChangedDetail = {
    ...(change.tenantId !== undefined ? { tenantId: change.tenantId } : {}),
    kind: change.kind,
    id: change.id,
    op: change.op,
    ...(change.domains !== undefined && change.domains.length > 0 ? { domains: [...new Set(change.domains)] } : {}),
    changedAt: now.toISOString(),
  };
  return { source: 'nimbus.functions', detailType: DIRECTORY_CHANGED_DETAIL_TYPE, time: detail.changedAt, detail };
}

/** The checked, normalized detail; throws naming the offending fields. */
export function parseDirectoryChanged(detail: unknown): DirectoryChangedDetail {
  const result = directoryChangedSchema.safeParse(detail);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(detail)'}: ${i.message}`);
    throw new Error(`Invalid ${DIRECTORY_CHANGED_DETAIL_TYPE} detail: ${problems.join('; ')}`);
  }
  return result.data;
}
