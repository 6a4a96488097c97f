import { getHeader, hasToTag, parseNameAddr } from '../../../../sip/index.js';
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
  const tag = (header: string) => parseNameAddr(getHeader(req, header) ?? '')?.params.tag ?? undefined;
  const callId = getHeader(req, 'Call-ID') ?? '';
  // Looked up before the BYE ends the call: a BYE's (rare) SDP needs no bridge, a re-INVITE's does.
  const media = req.method === 'BYE' ? undefined : ctx.proxy.media?.forDialog(callId, tag('From'), tag('To'));
  if (req.method === 'BYE') for (const call of ctx.proxy.calls.forDialog(callId, tag('From'), tag('To'))) call.byeSeen(req);
  forwardStatefully(ctx.proxy, tx, req, hop, source, media);
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
