/**
 * A ban of one source address (fail-to-ban) and the bus events that announce
 * it. Times are epoch ms in the store and ISO-8601 on the bus.
 *
 * A ban is active while `until` is in the future: expiry needs no clean-up
 * and no event (readers compare `until`; DynamoDB TTL only reaps the item).
 */
import type { PbxEvent } from '../bus/pbx-event.js';

export interface Ban {
  /** Canonical address text (address-set.ts normalizeAddress). */
  address: string;
  /** Epoch ms. */
  since: number;
  /** Epoch ms; the ban ends by itself then. */
  until: number;
  /** Human-readable, for the admin list, e.g. "5 failed authentications within 60 s". */
  reason: string;
  /** Failed authentications counted when the ban was decided. */
  failures: number;
  /** Tenant and user name of the last failed attempt, when known (what was attacked). */
  tenantId?: string;
  username?: string;
}

export function isActive(ban: Pick<Ban, 'until'>, now: number): boolean {
  return ban.until > now;
}

export type BanAddedDetail = {
  address: string;
  since: string;
  until: string;
  reason: string;
  failures: number;
  tenantId?: string;
  username?: string;
};

export type BanLiftedDetail = {
  address: string;
  /** When the ban was lifted. */
  liftedAt: string;
  /** Who lifted it (an admin name, "cli", …). */
  by: string;
  /** When it would have ended by itself. */
  until: string;
};

const iso = (ms: number): string => new Date(ms).toISOString();

export function banAddedEvent(ban: Ban): PbxEvent<BanAddedDetail> {
  return {
    source: 'nimbus.functions',
    detailType: 'ban.added',
    time: iso(ban.since),
    detail: {
      address: ban.address,
      since: iso(ban.since),
      until: iso(ban.until),
      reason: ban.reason,
      failures: ban.failures,
      ...(ban.tenantId !== undefined ? { tenantId: ban.tenantId } : {}),
      ...(ban.username !== undefined ? { username: ban.username } : {}),
    },
  };
}

export function banLiftedEvent(ban: Ban, liftedAt: number, by: string): PbxEvent<BanLiftedDetail> {
  return {
    source: 'nimbus.functions',
    detailType: 'ban.lifted',
    time: iso(liftedAt),
    detail: { address: ban.address, liftedAt: iso(liftedAt), by, until: iso(ban.until) },
  };
}

/** The ban an event announces (for consumers such as the edge's ban cache); undefined when the event is not a well-formed ban.added. */
export function banFromEvent(event: PbxEvent): Ban | undefined {
  if (event.detailType !== 'ban.added') return undefined;
  const d = event.detail;
  const since = typeof d.since === 'string' ? Date.parse(d.since) : NaN;
  const until = typeof d.until === 'string' ? Date.parse(d.until) : NaN;
  if (typeof d.address !== 'string' || !Number.isFinite(since) || !Number.isFinite(until)) return undefined;
  return {
    address: d.address,
    since,
    until,
    reason: typeof d.reason === 'string' ? d.reason : '',
    failures: typeof d.failures === 'number' ? d.failures : 0,
  };
}
