/**
 * Transaction matching (RFC 3261 §17.1.3 and §17.2.3) reduced to map keys.
 * Pure functions: no state, no I/O.
 */
import {
  BRANCH_MAGIC_COOKIE,
  formatVia,
  getHeader,
  getHeaders,
  parseCSeq,
  parseNameAddr,
  parseVia,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  type Via,
} from '../../../sip/index.js';

export interface ServerTransactionKey {
  key: string;
  /**
   * True when the top Via branch lacks the RFC 3261 magic cookie: the key then
   * follows the RFC 2543 rules and the To tag must be checked as well
   * (see {@link rfc2543ToTagMatches}), because an ACK carries the tag of the
   * response while the INVITE that created the transaction carried none.
   */
  rfc2543: boolean;
}

function topVia(msg: SipMessage): { raw: string; via: Via } | undefined {
  const raw = getHeaders(msg, 'Via')[0];
  if (raw === undefined) return undefined;
  const via = parseVia(raw);
  return via ? { raw, via } : undefined;
}

function paramValue(value: string | null | undefined): string {
  return value ?? '';
}

function tagOf(msg: SipMessage, header: 'From' | 'To'): string {
  const value = getHeader(msg, header);
  const addr = value === undefined ? undefined : parseNameAddr(value);
  return paramValue(addr?.params.tag);
}

function sentBy(via: Via): string {
  return `${via.host.toLowerCase()}:${via.port ?? ''}`;
}

/**
 * Server transaction key of a request (RFC 3261 §17.2.3). `asMethod` overrides
 * the method to match against; CANCEL matching (§9.2) uses it to find the
 * INVITE being cancelled. Returns undefined for a request without a usable Via.
 */
export function serverTransactionKey(req: SipRequest, asMethod?: string): ServerTransactionKey | undefined {
  const top = topVia(req);
  if (!top) return undefined;
  // The ACK for a non-2xx response belongs to the INVITE's transaction.
  const method = asMethod ?? (req.method === 'ACK' ? 'INVITE' : req.method);
  const branch = paramValue(top.via.params.branch);
  if (branch.startsWith(BRANCH_MAGIC_COOKIE)) {
    return { key: ['3261', branch, sentBy(top.via), method].join('\n'), rfc2543: false };
  }
  // RFC 2543 fallback: Request-URI, From tag, Call-ID, CSeq number and top Via
  // (the To tag is checked separately); the CSeq method is replaced by the
  // method so an ACK (CSeq ACK) lands on its INVITE.
  const cseq = parseCSeq(getHeader(req, 'CSeq') ?? '');
  return {
    key: [
      '2543',
      req.uri,
      tagOf(req, 'From'),
      getHeader(req, 'Call-ID') ?? '',
      cseq?.seq ?? '',
      formatVia(top.via),
      method,
    ].join('\n'),
    rfc2543: true,
  };
}

/**
 * RFC 3261 §17.2.3, RFC 2543 part: an ACK must carry the To tag of the response
 * the transaction sent; any other request (retransmission, CANCEL per §9.1)
 * the To tag of the request that created the transaction.
 */
export function rfc2543ToTagMatches(
  req: SipRequest,
  original: SipRequest,
  lastResponse: SipResponse | undefined,
): boolean {
  const expected = req.method === 'ACK' ? lastResponse && tagOf(lastResponse, 'To') : tagOf(original, 'To');
  return expected !== undefined && tagOf(req, 'To') === expected;
}

/**
 * Client transaction key (RFC 3261 §17.1.3): top Via branch plus the method,
 * taken from the request line of the request that created the transaction and
 * from the CSeq of a response. Undefined when there is no branch or CSeq.
 */
export function clientTransactionKey(msg: SipMessage): string | undefined {
  const branch = topVia(msg)?.via.params.branch;
  if (!branch) return undefined;
  const method = msg.kind === 'request' ? msg.method : parseCSeq(getHeader(msg, 'CSeq') ?? '')?.method;
  if (!method) return undefined;
  return `${branch}\n${method}`;
}
