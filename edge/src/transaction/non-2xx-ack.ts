import { getHeader, getHeaders, parseCSeq, type SipHeader, type SipRequest, type SipResponse } from '../../../sip/index.js';

/**
 * The ACK an INVITE client transaction sends itself for a 300-699 response
 * (RFC 3261 §17.1.1.3). It is hop-by-hop: same branch as the INVITE, so the
 * next hop's INVITE server transaction absorbs it.
 */
export function createNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  const header = (name: string, value: string | undefined): SipHeader[] =>
    value === undefined ? [] : [{ name, value }];
  const cseq = parseCSeq(getHeader(invite, 'CSeq') ?? '');
  const headers: SipHeader[] = [
    // Exactly one Via: the top Via of the original request.
    ...header('Via', getHeaders(invite, 'Via')[0]),
    // The Route set of the INVITE, so the ACK follows the same path.
    ...getHeaders(invite, 'Route').map((value) => ({ name: 'Route', value })),
    { name: 'Max-Forwards', value: '70' },
    ...header('From', getHeader(invite, 'From')),
    // To comes from the response: it carries the tag of the rejecting UAS.
    ...header('To', getHeader(response, 'To')),
    ...header('Call-ID', getHeader(invite, 'Call-ID')),
    ...header('CSeq', cseq ? `${cseq.seq} ACK` : undefined),
  ];
  return { kind: 'request', method: 'ACK', uri: invite.uri, headers, body: '' };
}
