/**
 * What an admin does with bans (MSS: "admins can list bans and unban"):
 * list the active ones and lift one early. Plain functions over the ban store
 * and the bus, for the admin HTTP API and the `npm run bans` CLI alike.
 */
import type { EventBus } from '../../../contracts/bus/event-bus.js';
import { banSubject } from '../../../contracts/fail-to-ban/address-set.js';
import { banLiftedEvent, isActive, type Ban } from '../../../contracts/fail-to-ban/ban.js';
import type { BanStore } from './ban-repository.js';

export interface BanAdminDeps {
  bans: BanStore;
  bus: EventBus;
  /** Epoch ms. */
  now: () => number;
}

/** A ban as an admin sees it: address, since, until, reason, failure count. */
export type BanView = Ban & { active: boolean };

export async function listBans(deps: Pick<BanAdminDeps, 'bans' | 'now'>, options: { includeExpired?: boolean } = {}): Promise<BanView[]> {
  const now = deps.now();
  const bans = await deps.bans.listBans(now, options);
  return bans.map((ban) => ({ ...ban, active: isActive(ban, now) }));
}

export type LiftResult = { lifted: true; ban: Ban } | { lifted: false; reason: 'not-banned' };

/**
 * Ends a ban now and forgets the address's recent failures (so its next typo
 * does not ban it again at once). Publishes ban.lifted when an active ban was
 * lifted; edges drop it from their cache on the event or at their next poll.
 */
export async function liftBan(deps: BanAdminDeps, address: string, by = 'admin'): Promise<LiftResult> {
  // An IPv6 address lifts the ban of its /64 (bans are per /64 for IPv6, address-set.ts banSubject).
  const canonical = banSubject(address);
  const now = deps.now();
  const removed = await deps.bans.deleteBan(canonical);
  await deps.bans.clearFailures(canonical);
  if (!removed || !isActive(removed, now)) return { lifted: false, reason: 'not-banned' };
  await deps.bus.publish([banLiftedEvent(removed, now, by)]);
  return { lifted: true, ban: removed };
}
