/**
 * Building responses on the UAS side (RFC 3261 §8.2.6) and fresh identifiers
 * (tags §19.3, branches §8.1.1.7, Call-IDs §8.1.1.4).
 */
import { randomHex } from './random-pool.js';
import { getHeader } from './headers.js';
import type { SipHeader, SipMessage, SipRequest, SipResponse } from './message.js';
import { parseNameAddr } from './name-addr.js';
import { BRANCH_MAGIC_COOKIE } from './via.js';
import { canonicalHeaderName } from './header-names.js';

/** Reason phrases of RFC 3261 §21 plus common extensions (RFC 3265, 3329, 3892, 4028, 4412, 5079, 6086). */
const REASONS: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  199: 'Early Dialog Terminated',
  200: 'OK',
  202: 'Accepted',
  204: 'No Notification',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  305: 'Use Proxy',
  380: 'Alternative Service',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  410: 'Gone',
  412: 'Conditional Request Failed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  421: 'Extension Required',
  422: 'Session Interval Too Small',
  423: 'Interval Too Brief',
  428: 'Use Identity Header',
  429: 'Provide Referrer Identity',
  433: 'Anonymity Disallowed',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  485: 'Ambiguous',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  489: 'Bad Event',
  491: 'Request Pending',
  493: 'Undecipherable',
  494: 'Security Agreement Required',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  513: 'Message Too Large',
  580: 'Precondition Failure',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
};

/** RFC 3261 §21 reason phrase; unknown codes fall back to their class (§8.1.3.2: x00 of the class). */
export function defaultReason(status: number): string {
  const known = REASONS[status];
  if (known !== undefined) return known;
  const classReason = REASONS[Math.floor(status / 100) * 100];
  return classReason ?? 'Unknown';
}

export interface CreateResponseOptions {
  /** Added to To when it has no tag and status > 100 (RFC 3261 §8.2.6.2). */
  toTag?: string;
  /** Extra headers appended after the copied ones (Contact, WWW-Authenticate, ...). */
  headers?: SipHeader[];
  body?: string;
}

/** Headers a response copies from its request (RFC 3261 §8.2.6.2). */
const COPIED = ['via', 'from', 'to', 'call-id', 'cseq'];

/**
 * RFC 3261 §8.2.6.2: the response copies every Via (same order), From, To,
 * Call-ID and CSeq of the request; To gains the UAS tag unless it already has
 * one (a mid-dialog request) or the response is a 100 Trying. A 100 also
 * echoes Timestamp (§8.2.6.1). Content-Length is written by the serializer.
 * Record-Route is NOT copied automatically: pass it in `opts.headers` for
 * dialog-creating responses (§12.1.1).
 */
export function createResponse(
  req: SipRequest,
  status: number,
  reason?: string,
  opts: CreateResponseOptions = {},
): SipResponse {
  const headers: SipHeader[] = [];
  for (const h of req.headers) {
    const name = canonicalHeaderName(h.name);
    const key = name.toLowerCase();
    if (COPIED.includes(key) || (status === 100 && key === 'timestamp')) {
      let value = h.value;
      if (key === 'to' && status > 100 && opts.toTag !== undefined) value = withToTag(value, opts.toTag);
      headers.push({ name, value });
    }
  }
  if (opts.headers) headers.push(...opts.headers.map((h) => ({ name: h.name, value: h.value })));
  return {
    kind: 'response',
    status,
    reason: reason ?? defaultReason(status),
    headers,
    body: opts.body ?? '',
  };
}

function withToTag(to: string, tag: string): string {
  const na = parseNameAddr(to);
  if (na && Object.prototype.hasOwnProperty.call(na.params, 'tag')) return to;
  return `${to.trim()};tag=${tag}`;
}

/** Random token with at least 32 bits of randomness (RFC 3261 §19.3 asks for that much for tags). */
function randomToken(bytes: number): string {
  return randomHex(bytes);
}

export function newTag(): string {
  return randomToken(8);
}

/** `z9hG4bK` + random: unique across space and time (RFC 3261 §8.1.1.7). */
export function newBranch(): string {
  return BRANCH_MAGIC_COOKIE + randomToken(12);
}

export function newCallId(): string {
  return randomToken(16);
}

/** True when the request's To carries a tag, i.e. it is sent within a dialog (RFC 3261 §12.2). */
export function hasToTag(req: SipRequest): boolean {
  const to = getHeader(req, 'To');
  const na = to === undefined ? undefined : parseNameAddr(to);
  return !!na && Object.prototype.hasOwnProperty.call(na.params, 'tag');
}

/** The tag of the From or To header (RFC 3261 §19.3): a dialog's two ends are named by them. */
export function tagOf(message: SipMessage, header: 'From' | 'To'): string | undefined {
  const value = getHeader(message, header);
  return (value === undefined ? undefined : parseNameAddr(value)?.params.tag) ?? undefined;
}
