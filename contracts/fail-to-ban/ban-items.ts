/**
 * How bans and the fail-to-ban settings lie in the PBX table: written by the
 * functions (functions/src/fail-to-ban/), read by every edge's ban cache —
 * the only partitions an edge may read (infra/function-catalog.ts
 * EDGE_READABLE_PARTITIONS), so an edge never sees a digest HA1.
 *
 * | Item            | pk      | sk             | attributes |
 * |-----------------|---------|----------------|------------|
 * | ban             | BANS    | BAN#<address>  | address, since, until, reason, failures, tenantId?, username?, ttl |
 * | system settings | SYSTEM  | SETTINGS       | f2b {enabled, maxFailures, windowSeconds, banSeconds, whitelist} |
 */
import type { Ban } from './ban.js';

export const BANS_PK = 'BANS';

export const banKey = (address: string) => ({ pk: BANS_PK, sk: `BAN#${address}` });

export const SYSTEM_SETTINGS_KEY = { pk: 'SYSTEM', sk: 'SETTINGS' } as const;

/** A stored ban item as a Ban; undefined for an item that is not one. */
export function banFromItem(item: Record<string, unknown>): Ban | undefined {
  if (typeof item.address !== 'string' || typeof item.since !== 'number' || typeof item.until !== 'number') return undefined;
  return {
    address: item.address,
    since: item.since,
    until: item.until,
    reason: typeof item.reason === 'string' ? item.reason : '',
    failures: typeof item.failures === 'number' ? item.failures : 0,
    ...(typeof item.tenantId === 'string' ? { tenantId: item.tenantId } : {}),
    ...(typeof item.username === 'string' ? { username: item.username } : {}),
  };
}
