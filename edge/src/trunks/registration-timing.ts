/**
 * When to refresh a registration and when to retry a failed one. Pure maths,
 * kept apart so the defaults are documented in one place (Kamailio style).
 */
import { getHeader, getHeaders, parseContacts, uriEquals, type SipResponse } from '../../../sip/index.js';

/** Never refresh sooner than this, whatever the registrar grants. */
export const MIN_REFRESH_MS = 5_000;
/** First retry after a failure; doubles per consecutive failure up to MAX_RETRY_MS. */
export const MIN_RETRY_MS = 30_000;
export const MAX_RETRY_MS = 30 * 60_000;

/**
 * The expiry the registrar granted our Contact (RFC 3261 §10.2.4: the
 * Contact's expires parameter, else the Expires header), never above what we asked.
 */
export function grantedExpires(res: SipResponse, ourContact: string, askedSeconds: number): number {
  const contacts = parseContacts(getHeaders(res, 'Contact'));
  let granted: number | undefined;
  if (contacts && !contacts.star) {
    const ours = contacts.contacts.find((c) => uriEquals(c.uri, ourContact)) ?? (contacts.contacts.length === 1 ? contacts.contacts[0] : undefined);
    const param = ours?.params.expires;
    if (param !== undefined && param !== null && /^\d+$/.test(param)) granted = Number(param);
  }
  if (granted === undefined) {
    const header = getHeader(res, 'Expires');
    if (header !== undefined && /^\s*\d+\s*$/.test(header)) granted = Number(header);
  }
  return Math.min(granted ?? askedSeconds, askedSeconds);
}

/** Refresh at 80 % of the expiry or 30 s before it, whichever is earlier, but not under 5 s. */
export function refreshDelayMs(expiresSeconds: number): number {
  const ms = expiresSeconds * 1000;
  return Math.max(MIN_REFRESH_MS, Math.min(ms * 0.8, ms - 30_000));
}

/**
 * Retry-After in seconds (RFC 3261 §20.33: delta-seconds, optional comment
 * and parameters), undefined when absent or malformed.
 */
export function retryAfterMs(res: SipResponse | undefined): number | undefined {
  const value = res ? getHeader(res, 'Retry-After') : undefined;
  const m = value === undefined ? null : /^\s*(\d+)/.exec(value);
  return m ? Number(m[1]) * 1000 : undefined;
}

/**
 * Exponential backoff for the n-th consecutive failure (n ≥ 1): 30 s, 60 s, …
 * up to 30 min, minus up to 25 % jitter so that many lines failing together
 * (a carrier outage) do not come back in lockstep.
 */
export function backoffDelayMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_MS, MIN_RETRY_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (1 - 0.25 * random()));
}
