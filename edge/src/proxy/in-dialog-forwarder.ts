import { createResponse, getHeader, parseNameAddr } from '../../../sip/index.js';
import type { SipRequest } from '../../../sip/message.js';
import type { CallMedia } from '../media/call-media.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { Destination, Source } from '../../../contracts/transport.js';
import { forwardedCopy } from './forward-request.js';
import { hopToDestination, type HopToken } from './hop-token.js';
import type { Forwarding, ProxyContext } from './proxy-context.js';
import { withoutTopVia } from './response-relay.js';
import { shiftCSeq } from './trunk-leg-request.js';

/** Where an in-dialog request goes, and how its CSeq is renumbered on the way (trunk legs, trunk-leg-request.ts). */
export interface InDialogHop {
  dest: Destination;
  /** Added to the request's CSeq, subtracted from the responses' (0 for almost every dialog). */
  cseqOffset: number;
}

/**
 * Loose routing of requests inside a dialog (RFC 3261 §16.4, §16.12): the
 * Route values that were ours are already removed; the hop token tells which
 * side of the dialog the request goes to — the side whose From tag it does
 * not carry — so BYE, re-INVITE, UPDATE, INFO, MESSAGE, REFER/NOTIFY and the
 * ACK for a 2xx all pass through this edge to the right flow.
 */
export function nextHop(req: SipRequest, tokens: HopToken[]): InDialogHop | undefined {
  const token = tokens[tokens.length - 1];
  if (!token) return undefined;
  if (token.k === 'fwd') return { dest: hopToDestination(token.d), cseqOffset: 0 };
  const fromTag = parseNameAddr(getHeader(req, 'From') ?? '')?.params.tag;
  const toTag = parseNameAddr(getHeader(req, 'To') ?? '')?.params.tag;
  // The token belongs to the dialog the caller's tag names: a request of another dialog (same Call-ID) gets no route.
  if (fromTag !== token.t && toTag !== token.t) return undefined;
  // The caller's requests go to `d` (renumbered by the leg's offset); the callee's go back to `c` untouched.
  return fromTag === token.t ? { dest: hopToDestination(token.d), cseqOffset: token.s ?? 0 } : { dest: hopToDestination(token.c), cseqOffset: 0 };
}

/**
 * ACK for a 2xx is its own transaction end to end (§17.1.1.3): forwarded
 * without one. After a late offer in an anchored call it carries the
 * caller's answer, rewritten for the callee on the way.
 */
export function forwardAck(
  ctx: Pick<ProxyContext, 'addresses' | 'transport' | 'credentials' | 'logger'>,
  req: SipRequest,
  hop: InDialogHop,
  source: Source,
  media?: CallMedia,
): void {
  const { request } = forwardedCopy(req, { viaSentBy: ctx.addresses.viaSentBy(hop.dest.protocol) });
  ctx.credentials.strip(request, source.address);
  shiftCSeq(request, hop.cseqOffset);
  if (!media?.answersInAck(request)) return void ctx.transport.sendRequest(request, hop.dest);
  media.ackAnswer(request).then(
    () => ctx.transport.sendRequest(request, hop.dest),
    (err: Error) => {
      ctx.logger.warn({ err: err.message }, 'media bridge refused the answer in an ACK');
      ctx.transport.sendRequest(request, hop.dest);
    },
  );
}

/**
 * Any other in-dialog request: a client transaction of its own, responses
 * relayed back (§16.7). In a call anchored in rtpengine, an offer in the
 * request (re-INVITE, UPDATE: hold and resume, RFC 3264 §8.4) and the
 * answer in its 2xx are rewritten on the way, in order.
 */
export function forwardStatefully(ctx: Forwarding, serverTx: ServerTransaction, req: SipRequest, hop: InDialogHop, source: Source, media?: CallMedia): void {
  const { dest, cseqOffset } = hop;
  const { request } = forwardedCopy(req, { viaSentBy: ctx.addresses.viaSentBy(dest.protocol) });
  ctx.credentials.strip(request, source.address);
  shiftCSeq(request, cseqOffset);
  if (!media?.anchored) return sendAndRelay(ctx, serverTx, req, request, dest, cseqOffset);
  media.dialogOffer(request).then(
    () => sendAndRelay(ctx, serverTx, req, request, dest, cseqOffset, media),
    (err: Error) => {
      ctx.logger.warn({ err: err.message }, 'media bridge refused an in-dialog offer');
      serverTx.respond(createResponse(req, 488, 'Not Acceptable Here'));
    },
  );
}

function sendAndRelay(ctx: Forwarding, serverTx: ServerTransaction, req: SipRequest, request: SipRequest, dest: Destination, cseqOffset: number, media?: CallMedia): void {
  let finalSent = false;
  let relayed = Promise.resolve();
  const relay = (status: number, reason: string) => {
    if (finalSent) return;
    finalSent = true;
    serverTx.respond(createResponse(req, status, reason));
  };
  try {
    ctx.transactions.sendRequest(request, dest, {
      onResponse: (res) => {
        if (res.status === 100) return;
        if (res.status >= 200) finalSent = true;
        const back = withoutTopVia(res);
        shiftCSeq(back, -cseqOffset);
        if (!media) return void serverTx.respond(back);
        relayed = relayed
          .then(() =>
            media.dialogAnswer(request, back).then(
              () => void serverTx.respond(back),
              (err: Error) => {
                ctx.logger.warn({ err: err.message }, 'media bridge refused an in-dialog answer');
                serverTx.respond(back);
              },
            ),
          )
          .catch((err: unknown) => ctx.logger.warn({ err }, 'in-dialog response not relayed'));
      },
      onTimeout: () => relay(408, 'Request Timeout'),
      onTransportError: () => relay(503, 'Service Unavailable'),
    });
  } catch (err) {
    ctx.logger.debug({ err }, 'in-dialog request not forwarded');
    relay(503, 'Service Unavailable');
  }
}
