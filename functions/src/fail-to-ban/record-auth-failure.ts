/**
 * Fail-to-ban, the counting half (MSS "fail to ban"; Kamailio's
 * pike + htable auth-failure recipe, done with the shared store so every
 * function instance and every edge agree):
 *
 *   outcome is 'failed'? → settings (enabled, whitelist) → append the failure
 *   to the address's list (one atomic update) → maxFailures within
 *   windowSeconds? → write the ban (only if none is active) → publish
 *   ban.added → clear the list
 *
 * The edge enforces the ban (edge/src/security): it learns of it from the
 * ban.added event in-process and by polling the store from anywhere.
 *
 * Only 'failed' counts, and the authenticator says 'failed' only for
 * credentials that answer a nonce this PBX issued to that very source
 * address (sip/digest.ts binds nonces to it): a first request without
 * credentials ('challenge'), a stale nonce ('stale'), credentials for a
 * foreign realm and a nonce fetched from another address never count, so a
 * forged UDP source cannot get anybody banned. A carrier's address (any
 * trunk's host or outbound proxy) is never banned by failures either. A success ('ok') does not reset the
 * counter either: otherwise an attacker holding one valid account could
 * interleave successful logins and guess other users' passwords forever.
 *
 * recordAuthOutcome never rejects: fail-to-ban must not turn a store hiccup
 * into a failed REGISTER or INVITE. Errors go to deps.onError.
 */
import type { AuthOutcome } from '../../../contracts/function-events.js';
import type { EventBus } from '../../../contracts/bus/event-bus.js';
import { AddressSet, banSubject, normalizeAddress } from '../../../contracts/fail-to-ban/address-set.js';
import { banAddedEvent, type Ban } from '../../../contracts/fail-to-ban/ban.js';
import type { BanStore } from './ban-repository.js';
import type { F2bSettings } from '../../../contracts/fail-to-ban/f2b-settings.js';
import { failuresWithin } from '../../../contracts/fail-to-ban/failure-window.js';

export interface FailToBanDeps {
  bans: BanStore;
  /** The current settings (system settings from the store, cached by the caller). */
  settings: () => Promise<F2bSettings>;
  bus: EventBus;
  /** Epoch ms. */
  now: () => number;
  /** Store or bus errors (recordAuthOutcome itself never rejects). */
  onError?: (err: unknown) => void;
  /** True for a carrier's address (a trunk's host or outbound proxy): never counted, never banned. */
  isCarrier?: (address: string) => Promise<boolean>;
}

export interface AuthOutcomeReport {
  /** The source address of the request, as the edge saw it (Source.address). */
  address: string;
  outcome: AuthOutcome;
  /** What was attacked, for the admin's ban list (never a password). */
  tenantId?: string;
  username?: string;
}

export type AuthOutcomeRecord =
  | { counted: false; why: 'not-a-failure' | 'disabled' | 'whitelisted' | 'carrier' | 'error' }
  /** `ban` is set when this failure banned the address (and ban.added was published). */
  | { counted: true; failures: number; ban?: Ban };

export async function recordAuthOutcome(deps: FailToBanDeps, report: AuthOutcomeReport): Promise<AuthOutcomeRecord> {
  if (report.outcome !== 'failed') return { counted: false, why: 'not-a-failure' };
  try {
    const settings = await deps.settings();
    if (!settings.enabled) return { counted: false, why: 'disabled' };
    const address = normalizeAddress(report.address);
    if (new AddressSet(settings.whitelist).has(address)) return { counted: false, why: 'whitelisted' };
    if (await deps.isCarrier?.(address)) return { counted: false, why: 'carrier' };
    // IPv4: the address; IPv6: its /64 (address-set.ts banSubject).
    const subject = banSubject(address);

    const now = deps.now();
    const stored = await deps.bans.appendFailure(subject, now, now + settings.windowSeconds * 1000);
    const window = failuresWithin(stored, now, settings);
    // Keep the stored list short: old entries only matter while inside the window.
    if (stored.length > 2 * settings.maxFailures) await deps.bans.trimFailures(subject, window.times, stored.length);
    if (!window.reached) return { counted: true, failures: window.failures };

    const ban: Ban = {
      address: subject,
      since: now,
      until: now + settings.banSeconds * 1000,
      reason: `${window.failures} failed authentications within ${settings.windowSeconds} s`,
      failures: window.failures,
      ...(report.tenantId !== undefined ? { tenantId: report.tenantId } : {}),
      ...(report.username !== undefined ? { username: report.username } : {}),
    };
    // Several instances may reach the threshold at once: only the one that writes the ban announces it.
    if (!(await deps.bans.addBan(ban, now))) return { counted: true, failures: window.failures };
    // The edges first (every millisecond lets a cracker's queued guesses through), then a fresh start for when the ban ends.
    await deps.bus.publish([banAddedEvent(ban)]);
    await deps.bans.clearFailures(subject);
    return { counted: true, failures: window.failures, ban };
  } catch (err) {
    deps.onError?.(err);
    return { counted: false, why: 'error' };
  }
}

/** For the edge's own counting (edge/src/security/auth-guard.ts): a failure from a carrier never counts there either. */
export function exemptFromBans(record: AuthOutcomeRecord | undefined): { countsForBan?: false } {
  return record && !record.counted && record.why === 'carrier' ? { countsForBan: false } : {};
}
