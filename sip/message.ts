/**
 * The SIP message as plain data (RFC 3261 §7), in the spirit of kirm/sip.js:
 * a start line, an ordered header list and a body. Header values are kept as
 * the raw text that was received (after unfolding, RFC 3261 §7.3.1) so that
 * unknown headers pass through a proxy untouched; typed views (Via, CSeq,
 * name-addr …) are parsed on demand by the functions in ./headers.
 *
 * Messages are JSON-serialisable on purpose: the edge hands them to functions
 * (Lambda in the cloud) as part of a plain JSON event.
 */

export interface SipHeader {
  /** Canonical long form, e.g. `Via`, `Call-ID` (compact forms are expanded by the parser). */
  name: string;
  /** One field value, unfolded; a comma-separated list stays one entry. */
  value: string;
}

export interface SipRequest {
  kind: 'request';
  method: string;
  /** Request-URI exactly as received. */
  uri: string;
  headers: SipHeader[];
  /** Body decoded as UTF-8 ('' when absent). Content-Length is recomputed on serialisation. */
  body: string;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: SipHeader[];
  body: string;
}

export type SipMessage = SipRequest | SipResponse;

export const SIP_VERSION = 'SIP/2.0';

/**
 * A copy of a message that can be changed without touching the original (a
 * proxy's forwarded request, §16.6 step 1; a relayed response, §16.7 step 3).
 * Its parts are strings except the header list, so the list and its entries
 * are what is copied: a field-by-field copy, where structuredClone ran the
 * whole message through V8's serializer on every forward and relay.
 */
export function copyMessage<M extends SipMessage>(message: M): M {
  return { ...message, headers: message.headers.map((h) => ({ name: h.name, value: h.value })) };
}
