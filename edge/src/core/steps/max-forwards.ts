import { hasToTag } from '../../../../sip/index.js';
import { hopsExhausted } from '../../proxy/forward-request.js';
import type { RouteStep } from '../route-state.js';
import { respond } from './respond.js';

/** Requests this edge answers itself: the registrar (a UAS), OPTIONS (§11.2) and the hop-by-hop CANCEL and ACK. */
const ANSWERED_HERE = new Set(['REGISTER', 'OPTIONS', 'CANCEL', 'ACK']);

/**
 * RFC 3261 §16.3 step 3: a request this edge would forward with
 * Max-Forwards 0 is refused with 483. Checked once, here, for every request
 * that will be forwarded: in a dialog, routed here by another edge, or a
 * new INVITE, MESSAGE, SUBSCRIBE …
 */
export const maxForwards: RouteStep = (_ctx, { tx, req, tokens }) => {
  if (req.method === 'CANCEL') return 'next';
  const forwarded = hasToTag(req) || tokens.length > 0 || !ANSWERED_HERE.has(req.method);
  return forwarded && hopsExhausted(req) ? respond(tx, req, 483, 'Too Many Hops') : 'next';
};
