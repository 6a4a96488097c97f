import { randomBytes } from 'node:crypto';
import { computeDigestResponse, computeHa1, getHeader, parseAuthHeader, type DigestAlgorithm } from '../../sip/index.js';
import type { SipResponse } from '../../sip/message.js';

export interface RegisterSpec {
  transport: 'UDP' | 'TCP' | 'WS';
  localHost: string;
  localPort: number;
  user: string;
  domain: string;
  callId: string;
  cseq: number;
  /** Contact header value; omitted = query. */
  contact?: string;
  expires?: number;
  authorization?: string;
}

/** A REGISTER as a phone would write it (RFC 3261 §10.2), with CRLF line ends. */
export function registerRequest(spec: RegisterSpec): string {
  const lines = [
    `REGISTER sip:${spec.domain} SIP/2.0`,
    `Via: SIP/2.0/${spec.transport} ${spec.localHost}${spec.localPort ? `:${spec.localPort}` : ''};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: <sip:${spec.user}@${spec.domain}>;tag=${randomBytes(4).toString('hex')}`,
    `To: <sip:${spec.user}@${spec.domain}>`,
    `Call-ID: ${spec.callId}`,
    `CSeq: ${spec.cseq} REGISTER`,
  ];
  if (spec.contact) lines.push(`Contact: ${spec.contact}`);
  if (spec.expires !== undefined) lines.push(`Expires: ${spec.expires}`);
  if (spec.authorization) lines.push(`Authorization: ${spec.authorization}`);
  lines.push('Content-Length: 0', '', '');
  return lines.join('\r\n');
}

/** Answers a 401 challenge the way a phone does (RFC 7616 §3.4, qop=auth). */
export function answerChallenge(
  challenge: SipResponse,
  creds: { user: string; password: string; method?: string; uri: string; algorithm?: DigestAlgorithm },
): string {
  const headers = challenge.headers.filter((h) => h.name.toLowerCase() === 'www-authenticate').map((h) => parseAuthHeader(h.value)!);
  const wanted = creds.algorithm ?? 'MD5';
  const chosen = headers.find((h) => (h.params.algorithm ?? 'MD5').toUpperCase() === wanted) ?? headers[0];
  if (!chosen) throw new Error(`no WWW-Authenticate in ${challenge.status} (${getHeader(challenge, 'Call-ID')})`);
  const { realm, nonce, opaque } = chosen.params;
  const algorithm = (chosen.params.algorithm ?? 'MD5').toUpperCase() as DigestAlgorithm;
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const ha1 = computeHa1(algorithm, creds.user, realm, creds.password);
  const response = computeDigestResponse({ algorithm, ha1, method: creds.method ?? 'REGISTER', digestUri: creds.uri, nonce, qop: 'auth', nc, cnonce });
  return `Digest username="${creds.user}", realm="${realm}", nonce="${nonce}", uri="${creds.uri}", response="${response}", algorithm=${algorithm}, cnonce="${cnonce}", qop=auth, nc=${nc}${opaque ? `, opaque="${opaque}"` : ''}`;
}
