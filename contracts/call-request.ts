/**
 * What authorize-call reads from an out-of-dialog request: who calls (From),
 * what was dialled (Request-URI user) and which call it is (Call-ID, From
 * tag, and the PBX's callRef the edge named it with, contracts/call-ref.ts).
 * Shared with the edge, which reads an INVITE the same way before it answers
 * the first 407 itself (edge/src/core/invite-challenges.ts): a request
 * authorize-call would answer 400 or 416 is never challenged by the edge.
 */
import { getHeader, parseNameAddr, parseUri, type SipRequest } from '../sip/index.js';
import type { RoutedCall, SipReply } from './function-events.js';
import { normalizeDomain } from './register-request.js';
import { callRefOf } from './call-ref.js';

export interface CallRequest {
  method: string;
  callId: string;
  /** The key of the call's slots and CDR: the edge's callRef, else (an earlier edge) the Call-ID. */
  callRef: string;
  /** The caller's From tag (RFC 3261 §8.1.1.3), when it sent one. */
  fromTag: string | undefined;
  /** The dialled number: Request-URI user, without user-part parameters. '' when the URI has no user. */
  number: string;
  /** Request-URI host, normalized ('' for tel: URIs). */
  requestHost: string;
  /** From URI user: the extension the caller claims to be (authenticated next). */
  callerUser: string | undefined;
  /** From display name, if any (a trunk call's caller is known only by From). */
  callerDisplayName: string | undefined;
  /** To URI user: the number called, as a carrier on a registered line sends it. */
  toUser: string | undefined;
  /** From URI host, normalized: the caller's domain, which picks the tenant. */
  callerDomain: string;
}

const reply = (status: number, reason: string): SipReply => ({ status, reason, headers: [] });

/** `1234;phone-context=…` → `1234` (RFC 3261 §19.1.6: telephone-subscriber parameters live in the user part). */
function dialledNumber(user: string | undefined): string {
  if (user === undefined) return '';
  const semi = user.indexOf(';');
  return semi < 0 ? user : user.slice(0, semi);
}

/** How a RoutedCall names the call. */
export function callNames(req: CallRequest): Pick<RoutedCall, 'callId' | 'callRef' | 'fromTag'> {
  return { callId: req.callId, callRef: req.callRef, ...(req.fromTag !== undefined ? { fromTag: req.fromTag } : {}) };
}

export function readCallRequest(request: SipRequest, edgeCallRef?: string): CallRequest | SipReply {
  const ruri = parseUri(request.uri);
  if (!ruri) return reply(400, 'Invalid Request-URI');
  // RFC 3261 §8.2.2.1: a scheme we do not route is 416, not 400.
  if (ruri.scheme !== 'sip' && ruri.scheme !== 'sips' && ruri.scheme !== 'tel') return reply(416, 'Unsupported URI Scheme');
  const fromValue = getHeader(request, 'From');
  const from = fromValue === undefined ? undefined : parseNameAddr(fromValue);
  const fromUri = from ? parseUri(from.uri) : undefined;
  if (!fromUri || (fromUri.scheme !== 'sip' && fromUri.scheme !== 'sips')) return reply(400, 'Invalid From header');
  const callId = getHeader(request, 'Call-ID');
  if (!callId) return reply(400, 'Missing Call-ID header');
  const toValue = getHeader(request, 'To');
  const toUri = toValue === undefined ? undefined : parseUri(parseNameAddr(toValue)?.uri ?? '');
  return {
    method: request.method,
    callId,
    callRef: callRefOf({ callId, ...(edgeCallRef !== undefined ? { callRef: edgeCallRef } : {}) }),
    fromTag: from?.params.tag ?? undefined,
    number: dialledNumber(ruri.user),
    requestHost: ruri.scheme === 'tel' ? '' : normalizeDomain(ruri.host),
    callerUser: fromUri.user,
    callerDisplayName: from?.displayName || undefined,
    toUser: toUri?.user === undefined ? undefined : dialledNumber(toUri.user),
    callerDomain: normalizeDomain(fromUri.host),
  };
}
