import { getHeader, getHeaders, parseCSeq } from '../../../sip/index.js';
import type { SipHeader, SipRequest } from '../../../sip/message.js';

/** RFC 3326: why a branch is cancelled, e.g. because another device answered. */
export const CALL_COMPLETED_ELSEWHERE = 'SIP;cause=200;text="Call completed elsewhere"';

/**
 * RFC 3261 §9.1: the CANCEL for a pending INVITE client transaction — same
 * Request-URI, Call-ID, To, From and CSeq number, the INVITE's top Via only
 * (so it matches the same server transaction downstream) and its Routes.
 */
export function cancelFor(invite: SipRequest, reason?: string): SipRequest {
  const headers: SipHeader[] = [
    { name: 'Via', value: getHeaders(invite, 'Via')[0]! },
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: getHeader(invite, 'From')! },
    { name: 'To', value: getHeader(invite, 'To')! },
    { name: 'Call-ID', value: getHeader(invite, 'Call-ID')! },
    { name: 'CSeq', value: `${parseCSeq(getHeader(invite, 'CSeq')!)!.seq} CANCEL` },
    ...getHeaders(invite, 'Route').map((value) => ({ name: 'Route', value })),
  ];
  if (reason) headers.push({ name: 'Reason', value: reason });
  return { kind: 'request', method: 'CANCEL', uri: invite.uri, headers, body: '' };
}
