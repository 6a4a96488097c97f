import { getHeader } from '../../../sip/index.js';
import type { SipRequest } from '../../../sip/message.js';
import type { Source } from '../../../contracts/transport.js';
import { popOwnRoutes } from '../proxy/route-set.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { RouteContext, RouteStep } from './route-state.js';
import { authenticateAndInvoke } from './steps/authentication.js';
import { fromOtherEdge, inDialog } from './steps/in-dialog.js';
import { cancel, inviteChallenge, options, registerChallenge, strayAck } from './steps/local-answers.js';
import { maxForwards } from './steps/max-forwards.js';
import { mergedRequest } from './steps/merged-request.js';
import { relay } from './steps/relay.js';
import { replayGuard } from './steps/replay-guard.js';
import { respond } from './steps/respond.js';

/**
 * The route of a new request through the edge, in order, the way a Kamailio
 * `route {}` block reads. Before it, for every message (sip-edge.ts):
 * drop banned → flood control → parse and sanity (400) → the transaction
 * layer (retransmissions absorbed, the ACK of a 2xx forwarded in-dialog).
 * Everything that needs data is the function the `authenticateAndInvoke`
 * step calls; the edge only speaks SIP.
 */
export const REQUEST_ROUTE: readonly RouteStep[] = [
  maxForwards, //            483 for a request we would forward with no hops left (§16.3)
  inDialog, //               loose-route to the other side of the dialog (§16.4, §16.12)
  fromOtherEdge, //          deliver to the device whose flow this edge holds
  cancel, //                 cancels the INVITE it matches (§9.2, §16.10)
  options, //                answered by the PBX (§11.2)
  strayAck, //               nothing to do
  mergedRequest, //          482 for an INVITE reusing the Call-ID of a call in progress here (§8.2.2.2)
  replayGuard, //            a (nonce, nc) seen before is no credential: a fresh challenge (RFC 7616 §5.4)
  registerChallenge, //      a REGISTER the registrar would only challenge: its 401, issued here (§22.2)
  inviteChallenge, //        an INVITE authorize-call said it would only challenge: its 407, issued here (§22.3)
  authenticateAndInvoke, //  per-address authentication limit, then register / authorize-call (unless decided above)
  relay, //                  the registrar's answer, a reply, or the call forked (§16.6)
];

export async function routeRequest(ctx: RouteContext, tx: ServerTransaction, req: SipRequest, source: Source): Promise<void> {
  const state = { tx, req, source, tokens: popOwnRoutes(req, ctx.proxy.identity.id, ctx.proxy.hops) };
  try {
    for (const step of REQUEST_ROUTE) {
      if ((await step(ctx, state)) === 'done') return;
    }
  } catch (err) {
    ctx.logger.error({ err, method: req.method, callId: getHeader(req, 'Call-ID') }, 'request handling failed');
    respond(tx, req, 500, 'Server Internal Error');
  }
}
