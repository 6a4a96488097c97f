import type { RouteStep } from '../route-state.js';
import { ALLOWED_METHODS } from '../pbx-capabilities.js';
import { respond } from './respond.js';

/** RFC 3261 §9.2: 200 to the CANCEL, then the INVITE's branches are cancelled (§16.10); 481 when it matches nothing. */
export const cancel: RouteStep = (ctx, { tx, req }) => {
  if (req.method !== 'CANCEL') return 'next';
  const invite = ctx.proxy.transactions.findInviteServerTransaction(req);
  if (!invite) return respond(tx, req, 481, 'Call/Transaction Does Not Exist');
  respond(tx, req, 200, 'OK');
  ctx.proxy.calls.forTransaction(invite.id)?.cancelFromCaller();
  return 'done';
};

/**
 * OPTIONS is answered by the PBX itself (RFC 3261 §11.2): phones and carriers
 * use it as a keep-alive and capability probe. It reveals nothing about users.
 */
export const options: RouteStep = (_ctx, { tx, req }) =>
  req.method !== 'OPTIONS'
    ? 'next'
    : respond(tx, req, 200, 'OK', [
        { name: 'Allow', value: ALLOWED_METHODS.join(', ') },
        { name: 'Accept', value: 'application/sdp' },
      ]);

/** An ACK outside any dialog and transaction of ours (§17.2.3 matched none) has nowhere to go. */
export const strayAck: RouteStep = (_ctx, { req }) => (req.method === 'ACK' ? 'done' : 'next');
