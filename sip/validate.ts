/**
 * Sanity checks a UAS or proxy applies before acting on a message
 * (RFC 3261 §8.2 request processing, §16.3 request validation, §8.1.3.3 for
 * responses). Each returns a short reason phrase for a 400 (or for dropping
 * a response) or undefined when the message is usable.
 */
import { parseCSeq } from './cseq.js';
import { getHeaders } from './headers.js';
import type { SipMessage, SipRequest, SipResponse } from './message.js';
import { parseNameAddr } from './name-addr.js';
import { parseUri } from './uri.js';
import { parseVia } from './via.js';

/** Shared checks of the headers every message must carry (RFC 3261 §8.1.1). */
function validateCommon(msg: SipMessage): string | undefined {
  const vias = getHeaders(msg, 'Via');
  if (vias.length === 0) return 'Missing Via header';
  if (!vias.every((v) => parseVia(v) !== undefined)) return 'Malformed Via header';

  for (const name of ['From', 'To'] as const) {
    const values = getHeaders(msg, name);
    if (values.length === 0) return `Missing ${name} header`;
    if (values.length > 1 || !parseNameAddr(values[0])) return `Malformed ${name} header`;
  }

  const callIds = getHeaders(msg, 'Call-ID');
  if (callIds.length === 0) return 'Missing Call-ID header';
  // callid = word [ "@" word ]: non-empty, no whitespace (RFC 3261 §25.1)
  if (callIds.length > 1 || !/^\S+$/.test(callIds[0])) return 'Malformed Call-ID header';

  const cseqs = getHeaders(msg, 'CSeq');
  if (cseqs.length === 0) return 'Missing CSeq header';
  if (cseqs.length > 1 || !parseCSeq(cseqs[0])) return 'Malformed CSeq header';
  return undefined;
}

export function validateRequest(req: SipRequest): string | undefined {
  if (!parseUri(req.uri)) return 'Malformed Request-URI';
  const common = validateCommon(req);
  if (common) return common;
  // RFC 3261 §8.1.1.5: the CSeq method matches the request method (ACK and CANCEL included).
  const cseq = parseCSeq(getHeaders(req, 'CSeq')[0]);
  if (cseq && cseq.method !== req.method) return 'CSeq method does not match request method';
  const maxForwards = getHeaders(req, 'Max-Forwards');
  if (maxForwards.length > 1) return 'Malformed Max-Forwards header';
  if (maxForwards.length === 1) {
    // Max-Forwards = 1*DIGIT, 0-255 in practice (RFC 3261 §20.22); leading zeros are legal (RFC 4475 §3.1.1.1).
    // Absence is tolerated (§16.6 step 3 adds it).
    const mf = maxForwards[0];
    if (!/^\d+$/.test(mf) || Number(mf) > 255) return 'Malformed Max-Forwards header';
  }
  return undefined;
}

export function validateResponse(res: SipResponse): string | undefined {
  return validateCommon(res);
}
