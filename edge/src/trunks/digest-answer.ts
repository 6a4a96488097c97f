/**
 * Answering a carrier's digest challenge with the trunk's credentials
 * (RFC 3261 §22.2 / §22.3, RFC 7616 §3.4, RFC 8760 for SHA-256). Pure apart
 * from the random cnonce, which can be injected.
 */
import { randomBytes } from 'node:crypto';
import {
  computeDigestResponse,
  computeHa1,
  formatCredentials,
  parseAuthHeader,
  type DigestAlgorithm,
  type SipResponse,
} from '../../../sip/index.js';
import type { Trunk } from '../../../contracts/trunk.js';

export type TrunkCredentials = Pick<Trunk, 'username' | 'authUser' | 'password'>;

export interface DigestAnswer {
  header: 'Authorization' | 'Proxy-Authorization';
  value: string;
}

/** Our preference when a carrier offers several challenges (RFC 8760 §2.4: strongest first). */
const PREFERRED: DigestAlgorithm[] = ['SHA-256', 'MD5'];

/**
 * Credentials for a 401 (WWW-Authenticate → Authorization) or 407
 * (Proxy-Authenticate → Proxy-Authorization); undefined when no challenge
 * uses a scheme/algorithm we support.
 */
export function answerDigestChallenge(
  res: SipResponse,
  creds: TrunkCredentials,
  request: { method: string; uri: string },
  cnonce: () => string = () => randomBytes(8).toString('hex'),
): DigestAnswer | undefined {
  const proxy = res.status === 407;
  const challengeName = proxy ? 'proxy-authenticate' : 'www-authenticate';
  const offers = res.headers
    .filter((h) => h.name.toLowerCase() === challengeName)
    .map((h) => parseAuthHeader(h.value))
    .filter((c) => c !== undefined && c.scheme.toLowerCase() === 'digest' && c.params.nonce !== undefined)
    .map((c) => ({ params: c!.params, algorithm: (c!.params.algorithm ?? 'MD5').toUpperCase() }));
  const chosen = PREFERRED.map((a) => offers.find((o) => o.algorithm === a)).find((o) => o !== undefined);
  if (!chosen) return undefined;
  const algorithm = chosen.algorithm as DigestAlgorithm;
  const { realm = '', nonce, opaque } = chosen.params;
  const username = creds.authUser ?? creds.username ?? '';
  // RFC 7616 §3.4: with qop offered we must pick one; "auth" is the only one a REGISTER without body needs.
  const offersAuth = (chosen.params.qop ?? '').split(',').some((q) => q.trim().toLowerCase() === 'auth');
  const qop = offersAuth ? ('auth' as const) : undefined;
  // A fresh nonce per challenge, so this is its first use (nc=1, RFC 7616 §3.4).
  const nc = qop ? '00000001' : undefined;
  const cn = qop ? cnonce() : undefined;
  const ha1 = computeHa1(algorithm, username, realm, creds.password ?? '');
  const response = computeDigestResponse({ algorithm, ha1, method: request.method, digestUri: request.uri, nonce, qop, nc, cnonce: cn });
  const value = formatCredentials({ username, realm, nonce, uri: request.uri, response, algorithm, qop, nc, cnonce: cn, opaque });
  return { header: proxy ? 'Proxy-Authorization' : 'Authorization', value };
}
