/**
 * What a REGISTER says, read once and checked (RFC 3261 §10.3 steps 1–2):
 * the registrar (functions/src/registration/register.ts) reads it this way,
 * and so does the edge before it answers a first REGISTER with a challenge
 * itself (edge/src/core/registrar-challenges.ts), so a malformed REGISTER
 * still gets the registrar's 400 from the registrar, never a 401.
 */
import { getHeader, getHeaders, parseContacts, parseCSeq, parseNameAddr, parseUri, type ContactList, type SipRequest } from '../sip/index.js';
import type { SipReply } from './function-events.js';

/**
 * Lower-case and put IPv6 literals in brackets, the way they appear in a
 * SIP URI host (RFC 5118 §4), so a seed may list "::1" or "[::1]".
 */
export function normalizeDomain(domain: string): string {
  const d = domain.trim().toLowerCase();
  return d.includes(':') && !d.startsWith('[') ? `[${d}]` : d;
}

export interface RegisterRequest {
  /** Request-URI host, normalized: the registrar domain (RFC 3261 §10.3 step 1). */
  domain: string;
  /** To URI: the address-of-record. */
  aorUser: string | undefined;
  aorDomain: string;
  callId: string;
  cseq: number;
  contact: ContactList;
  expiresHeader: string | undefined;
  userAgent: string | undefined;
}

function badRequest(reason: string): SipReply {
  return { status: 400, reason, headers: [] };
}

/** The REGISTER's fields, or the 400 that names what is wrong with it. */
export function readRegisterRequest(request: SipRequest): RegisterRequest | SipReply {
  const ruri = parseUri(request.uri);
  if (!ruri || (ruri.scheme !== 'sip' && ruri.scheme !== 'sips')) return badRequest('Invalid Request-URI');
  const toValue = getHeader(request, 'To');
  const to = toValue === undefined ? undefined : parseNameAddr(toValue);
  const toUri = to ? parseUri(to.uri) : undefined;
  if (!toUri) return badRequest('Invalid To header');
  const callId = getHeader(request, 'Call-ID');
  if (!callId) return badRequest('Missing Call-ID header');
  const cseqValue = getHeader(request, 'CSeq');
  const cseq = cseqValue === undefined ? undefined : parseCSeq(cseqValue);
  if (!cseq) return badRequest('Invalid CSeq header');
  const contact = parseContacts(getHeaders(request, 'Contact'));
  if (!contact) return badRequest('Invalid Contact header');
  return {
    domain: normalizeDomain(ruri.host),
    aorUser: toUri.user,
    aorDomain: normalizeDomain(toUri.host),
    callId,
    cseq: cseq.seq,
    contact,
    expiresHeader: getHeader(request, 'Expires'),
    userAgent: getHeader(request, 'User-Agent'),
  };
}
