import { getHeader, hasToTag, tagOf } from '../../../../sip/index.js';
import { branchTargetForHop } from '../../proxy/branch-target.js';
import { InviteForkingProxy } from '../../proxy/forking-proxy.js';
import { forwardStatefully, nextHop } from '../../proxy/in-dialog-forwarder.js';
import { forkNonInvite } from '../../proxy/non-invite-fork.js';
import type { InviteServerTransaction } from '../../transaction/index.js';
import type { RouteStep } from '../route-state.js';
import { respond } from './respond.js';

/**
 * In a dialog (a To tag; CANCEL is hop-by-hop): the hop token of this edge's
 * Record-Route names the other side (§16.12); a BYE ends the call's
 * accounting. No token of ours: 481 (§12.2.2).
 */
export const inDialog: RouteStep = (ctx, { tx, req, source, tokens }) => {
  if (!hasToTag(req) || req.method === 'CANCEL') return 'next';
  const hop = nextHop(req, tokens);
  if (!hop) return respond(tx, req, 481, 'Call/Transaction Does Not Exist');
  if (req.method === 'BYE') {
    for (const call of ctx.proxy.calls.forDialog(getHeader(req, 'Call-ID') ?? '', tagOf(req, 'From'), tagOf(req, 'To'))) call.byeSeen(req);
  }
  // A re-INVITE's or UPDATE's offer in an anchored call passes rtpengine; a BYE (the call is over now) does not.
  forwardStatefully(ctx.proxy, tx, req, hop, source, req.method === 'BYE' ? undefined : ctx.proxy.media?.forDialog(req));
  return 'done';
};

/** Another edge sent this request for a device whose flow this edge holds (its signed `fwd` token proves it). */
export const fromOtherEdge: RouteStep = (ctx, { tx, req, source, tokens }) => {
  const forwarded = tokens.find((t) => t.k === 'fwd');
  if (!forwarded || forwarded.k !== 'fwd') return 'next';
  const target = branchTargetForHop(ctx.proxy, req.uri, forwarded.d);
  if (req.method === 'INVITE') new InviteForkingProxy(ctx.proxy, tx as InviteServerTransaction, req, source).start(target ? [target] : []);
  else forkNonInvite(ctx.proxy, tx, req, source, target ? [target] : []);
  return 'done';
};
