/** Answers a registrar's 401 or a proxy's 407 the way a phone does (RFC 7616 §3.4, qop=auth; RFC 3261 §22.3). */
import type { SipReply } from '../../contracts/function-events.js';
import { computeDigestResponse, computeHa1, formatCredentials, parseAuthHeader, type DigestAlgorithm } from '../../sip/index.js';

export function answerChallenge(
  reply: SipReply,
  o: { username: string; password: string; uri: string; algorithm?: DigestAlgorithm; method?: string },
): string {
  const algorithm = o.algorithm ?? 'MD5';
  const header = reply.status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate';
  const challenge = reply.headers
    .filter((h) => h.name === header)
    .map((h) => parseAuthHeader(h.value)!)
    .find((c) => c.params.algorithm === algorithm);
  if (!challenge) throw new Error(`no ${algorithm} challenge in ${reply.status} ${reply.reason}`);
  const realm = challenge.params.realm!;
  const nonce = challenge.params.nonce!;
  const cnonce = 'f00dcafe';
  const nc = '00000001';
  const ha1 = computeHa1(algorithm, o.username, realm, o.password);
  const response = computeDigestResponse({ algorithm, ha1, method: o.method ?? 'REGISTER', digestUri: o.uri, nonce, qop: 'auth', nc, cnonce });
  return formatCredentials({ username: o.username, realm, nonce, uri: o.uri, response, algorithm, qop: 'auth', nc, cnonce });
}
