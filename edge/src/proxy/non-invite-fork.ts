import { createResponse, getHeader, parseNameAddr } from '../../../sip/index.js';
import type { SipRequest, SipResponse } from '../../../sip/message.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { Source } from '../../../contracts/transport.js';
import type { BranchTarget } from './branch-target.js';
import { forwardedCopy } from './forward-request.js';
import type { Forwarding, RouteSigning } from './proxy-context.js';
import { bestFinalResponse, withoutTopVia } from './response-relay.js';
import { recordRouteUris } from './record-route.js';
import { addRecordRoutes, pushRoute } from './route-set.js';

/**
 * Out-of-dialog non-INVITE requests between users (MESSAGE, SUBSCRIBE,
 * REFER …), forked to every device like an INVITE (§16.6) but without
 * provisionals or CANCEL: the first 2xx answers, else the best final (§16.7).
 * Dialog-creating ones (SUBSCRIBE, REFER) keep the edge in their path.
 */
export function forkNonInvite(ctx: Forwarding & RouteSigning, serverTx: ServerTransaction, req: SipRequest, source: Source, targets: BranchTarget[]): void {
  if (targets.length === 0) {
    serverTx.respond(createResponse(req, 480, 'Temporarily Unavailable'));
    return;
  }
  const finals: SipResponse[] = [];
  let answered = false;
  const callerTag = parseNameAddr(getHeader(req, 'From') ?? '')?.params.tag ?? '';
  const settle = (res: SipResponse) => {
    if (answered) return;
    if (res.status < 300) {
      answered = true;
      serverTx.respond(withoutTopVia(res));
      return;
    }
    finals.push(res);
    if (finals.length === targets.length) serverTx.respond(withoutTopVia(bestFinalResponse(finals)!));
  };
  for (const target of targets) {
    const dest = target.destination;
    const { request } = forwardedCopy(req, { requestUri: target.requestUri, viaSentBy: ctx.addresses.viaSentBy(dest.protocol) });
    if (req.method === 'SUBSCRIBE' || req.method === 'REFER') {
      addRecordRoutes(request, recordRouteUris(ctx, source, dest, callerTag));
    }
    if (target.route) pushRoute(request, target.route);
    try {
      ctx.transactions.sendRequest(request, dest, {
        onResponse: (res) => {
          if (res.status >= 200) settle(res);
        },
        onTimeout: () => settle(createResponse(request, 408, 'Request Timeout')),
        onTransportError: () => settle(createResponse(request, 503, 'Service Unavailable')),
      });
    } catch {
      settle(createResponse(request, 503, 'Service Unavailable'));
    }
  }
}
