import { hasToTag } from '../../../../sip/index.js';
import { inviteIdentity, mergeVerdict, PENDING_RETRY_AFTER_SECONDS } from '../../proxy/merged-request.js';
import type { RouteStep } from '../route-state.js';
import { respond } from './respond.js';

/**
 * A new INVITE that reuses the Call-ID of a call this edge is proxying is
 * answered here, before any function runs (RFC 3261 §8.2.2.2: 482 Loop
 * Detected; the same caller's next INVITE too early: 500 + Retry-After,
 * §14.2). Otherwise the PBX could account two calls as one: one call slot,
 * one trunk slot, one CDR (proxy/merged-request.ts). Requests another edge
 * routed here (a `fwd` token) were judged there and never get here.
 */
export const mergedRequest: RouteStep = (ctx, { tx, req }) => {
  if (req.method !== 'INVITE' || hasToTag(req)) return 'next';
  const invite = inviteIdentity(req);
  const verdict = mergeVerdict(invite, ctx.proxy.calls.withCallId(invite.callId).map((c) => c.identity));
  if (!verdict) return 'next';
  ctx.logger.debug({ fromTag: invite.fromTag, status: verdict.status }, 'INVITE reuses the Call-ID of a call in progress');
  return verdict.kind === 'merged'
    ? respond(tx, req, verdict.status, verdict.reason)
    : respond(tx, req, verdict.status, verdict.reason, [{ name: 'Retry-After', value: String(PENDING_RETRY_AFTER_SECONDS) }]);
};
