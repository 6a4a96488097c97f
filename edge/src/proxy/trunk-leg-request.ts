/**
 * The INVITE of one trunk leg (an outbound call to a carrier) and the way
 * back to the caller. The edge stays a proxy for the media and the dialog
 * identity (Call-ID, tags), and acts as a UA only where a carrier needs it:
 *
 * - Presentation: Request-URI, From URI, To and P-Asserted-Identity come from
 *   the leg (authorize-call decided them); the caller's tag is kept, so both
 *   sides name the same dialog (RFC 3261 §12). Our own realm's credentials
 *   and any caller-supplied P-Asserted-Identity never reach the carrier
 *   (RFC 3325 §5: the PBX asserts identity, not the phone).
 * - Carrier challenges (401/407) are answered with the trunk account; the
 *   resent INVITE must take a higher CSeq (RFC 3261 §8.1.3.5, §22.2), which
 *   the caller knows nothing about. The difference ("CSeq offset") travels in
 *   our signed Record-Route token, so every later request of the caller in
 *   that dialog (ACK, BYE, re-INVITE …) is renumbered on the way to the
 *   carrier and every response renumbered on the way back
 *   (in-dialog-forwarder.ts) — stateless, and it survives an edge restart.
 * - Responses go back to the caller with the caller's own From, To URI and
 *   CSeq, so its transaction and dialog match what it sent.
 */
import { addHeader, getHeader, parseCSeq, parseNameAddr, removeHeader, setHeader, formatNameAddr } from '../../../sip/index.js';
import type { SipRequest, SipResponse } from '../../../sip/message.js';
import type { TrunkLeg } from '../../../contracts/function-events.js';
import type { Destination, Source } from '../../../contracts/transport.js';
import { forwardedCopy } from './forward-request.js';
import type { RouteSigning } from './proxy-context.js';
import { recordRouteUris } from './record-route.js';
import { addRecordRoutes } from './route-set.js';
import { withoutTopVia } from './response-relay.js';

export interface TrunkLegRequestSpec {
  leg: TrunkLeg;
  destination: Destination;
  /** Added to the caller's CSeq: 0 for the first INVITE, 1 after answering a challenge. */
  cseqOffset: number;
  /** Authorization / Proxy-Authorization answering the carrier's challenge. */
  credentials?: { header: 'Authorization' | 'Proxy-Authorization'; value: string };
}

function withTag(nameAddr: string, tag: string | null | undefined): string {
  const parsed = parseNameAddr(nameAddr);
  if (!parsed) return nameAddr;
  // parseNameAddr's answer is shared (sip/parse-cache.ts): the tagged one is a copy.
  return formatNameAddr(tag ? { ...parsed, params: { ...parsed.params, tag } } : parsed);
}

export function shiftCSeq(msg: SipRequest | SipResponse, offset: number): void {
  if (offset === 0) return;
  const cseq = parseCSeq(getHeader(msg, 'CSeq') ?? '');
  if (cseq) setHeader(msg, 'CSeq', `${cseq.seq + offset} ${cseq.method}`);
}

export function trunkLegRequest(ctx: RouteSigning, original: SipRequest, source: Source, callerTag: string, spec: TrunkLegRequestSpec): SipRequest {
  const { leg, destination } = spec;
  const { request } = forwardedCopy(original, { requestUri: leg.requestUri, viaSentBy: ctx.addresses.viaSentBy(destination.protocol) });
  setHeader(request, 'From', withTag(leg.from, callerTag));
  setHeader(request, 'To', leg.to);
  // Credentials for our realm are ours (RFC 3261 §22.3: consumed here); a phone's own assertion is not trusted (RFC 3325 §5).
  removeHeader(request, 'Proxy-Authorization');
  removeHeader(request, 'Authorization');
  removeHeader(request, 'P-Asserted-Identity');
  removeHeader(request, 'P-Preferred-Identity');
  if (leg.assertedIdentity) addHeader(request, 'P-Asserted-Identity', leg.assertedIdentity);
  if (spec.credentials) addHeader(request, spec.credentials.header, spec.credentials.value);
  shiftCSeq(request, spec.cseqOffset);
  addRecordRoutes(request, recordRouteUris(ctx, getHeader(original, 'Call-ID') ?? '', source, destination, callerTag, spec.cseqOffset));
  return request;
}

/** A carrier's response as the caller must see it: our Via gone, the caller's From, To URI (carrier's tag kept) and CSeq. */
export function toCallerView(res: SipResponse, original: SipRequest): SipResponse {
  const copy = withoutTopVia(res);
  const from = getHeader(original, 'From');
  if (from !== undefined) setHeader(copy, 'From', from);
  const to = getHeader(original, 'To');
  if (to !== undefined) setHeader(copy, 'To', withTag(to, parseNameAddr(getHeader(res, 'To') ?? '')?.params.tag));
  const cseq = getHeader(original, 'CSeq');
  if (cseq !== undefined) setHeader(copy, 'CSeq', cseq);
  return copy;
}
