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

/** `realm`: the only protection space these credentials belong to (contracts/trunk.ts trunkRealmOf). */
export type TrunkCredentials = Pick<Trunk, 'username' | 'authUser' | 'password'> & { realm: string };

export interface DigestAnswer {
  header: 'Authorization' | 'Proxy-Authorization';
  value: string;
}

/** Our preference when a carrier offers several challenges (RFC 8760 §2.4: strongest first). */
const PREFERRED: DigestAlgorithm[] = ['SHA-256', 'MD5'];

/**
 * Credentials for a 401 (WWW-Authenticate → Authorization) or 407
 * (Proxy-Authenticate → Proxy-Authorization); undefined when no challenge
 * uses a scheme/algorithm we support or names the trunk's realm.
 *
 * The realm check is what keeps the password home: anyone who can answer our
 * request (a hijacked DNS name, a box on the path) could otherwise challenge
 * with a realm of its choosing and crack the response offline (RFC 3261
 * §22.1, §26.3.2.1; RFC 7616 §5.1 "the client should only answer challenges
 * for protection spaces it knows"). Realms compare case-sensitively, as the
 * quoted-string they are (RFC 7616 §3.3).
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
    .filter((c) => c!.params.realm === creds.realm)
    .map((c) => ({ params: c!.params, algorithm: (c!.params.algorithm ?? 'MD5').toUpperCase() }));
  const chosen = PREFERRED.map((a) => offers.find((o) => o.algorithm === a)).find((o) => o !== undefined);
  if (!chosen) return undefined;
  const algorithm = chosen.algorithm as DigestAlgorithm;
  const { nonce, opaque } = chosen.params;
  const realm = creds.realm;
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

/** The realms a 401/407 asks for, to log why it was not answered (realms are not secrets). */
export function challengedRealms(res: SipResponse): string[] {
  const challengeName = res.status === 407 ? 'proxy-authenticate' : 'www-authenticate';
  return res.headers
    .filter((h) => h.name.toLowerCase() === challengeName)
    .map((h) => parseAuthHeader(h.value)?.params.realm ?? '');
}
