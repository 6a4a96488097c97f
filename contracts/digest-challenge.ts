/**
 * The digest challenge of this PBX (RFC 3261 §22, RFC 7616, RFC 8760), as
 * pure data: which credentials a request carries for our realm, whether they
 * are worth checking against a password at all, and the challenge headers.
 * One implementation for both places that challenge:
 *
 * - the functions (functions/src/auth/authenticate.ts), which also check the
 *   credentials against the user's HA1;
 * - the edge (edge/src/core/registrar-challenges.ts), which answers a first
 *   REGISTER itself once it knows the domain's realm, with no function call
 *   and no store read (issue 14: the nonce is stateless, the edge can issue it).
 *
 * Both must send the same bytes for the same request: anti-enumeration
 * (test/security/enumeration.test.ts) compares them.
 */
import {
  checkNonce,
  createNonce,
  formatChallenge,
  getHeaders,
  parseAuthHeader,
  type DigestAlgorithm,
  type DigestParams,
  type NonceBinding,
  type SipRequest,
} from '../sip/index.js';
import type { DomainDigest, SipReply } from './function-events.js';

export type { DomainDigest };
import type { TransportProtocol } from './transport.js';

/**
 * Who asks for credentials, which decides status code and header names:
 * a registrar (any UAS) or a proxy (RFC 3261 §22.3).
 */
export type DigestChallenger = 'registrar' | 'proxy';

export interface DigestHeaderNames {
  status: 401 | 407;
  reason: string;
  /** Header carrying the challenges. */
  challenge: 'WWW-Authenticate' | 'Proxy-Authenticate';
  /** Header the UA answers in. */
  credentials: 'Authorization' | 'Proxy-Authorization';
}

/** RFC 3261 §22.2 (401, UAS/registrar) and §22.3 (407, proxy). */
export const DIGEST_HEADERS: Record<DigestChallenger, DigestHeaderNames> = {
  registrar: { status: 401, reason: 'Unauthorized', challenge: 'WWW-Authenticate', credentials: 'Authorization' },
  proxy: { status: 407, reason: 'Proxy Authentication Required', challenge: 'Proxy-Authenticate', credentials: 'Proxy-Authorization' },
};

/**
 * The Digest credentials meant for `realm` (RFC 3261 §22.4: a UA may send
 * several Authorization / Proxy-Authorization headers, one per realm), if any.
 */
export function findCredentials(
  request: SipRequest,
  realm: string,
  header: DigestHeaderNames['credentials'] = 'Authorization',
): DigestParams | undefined {
  for (const value of getHeaders(request, header)) {
    const parsed = parseAuthHeader(value);
    if (parsed && parsed.scheme.toLowerCase() === 'digest' && parsed.params.realm === realm) return parsed;
  }
  return undefined;
}

export interface CredentialCheckInput {
  request: SipRequest;
  realm: string;
  header: DigestHeaderNames['credentials'];
  secret: string;
  now: number;
  nonceTtlMs: number;
  /** Who the nonces are for: the source address, and the edge instance that answers (contracts nonceIssuer). */
  binding: NonceBinding;
}

/**
 * What a request's credentials for `realm` call for before any password is
 * looked at:
 * - `challenge`: none for our realm (first contact, RFC 3261 §22.2), or a
 *   nonce we did not issue to this source (forged, other realm, other secret,
 *   other address): a fresh challenge, never a failure (fail-to-ban counts
 *   only answers to our own nonces);
 * - `check`: a nonce we issued ('valid', or 'stale': old or another edge's),
 *   so the answer must be verified against the user's HA1.
 */
export type CredentialVerdict =
  | { verdict: 'challenge'; username?: string }
  | { verdict: 'check'; credentials: DigestParams; nonceStatus: 'valid' | 'stale' };

export function credentialVerdict(input: CredentialCheckInput): CredentialVerdict {
  const credentials = findCredentials(input.request, input.realm, input.header);
  if (!credentials) return { verdict: 'challenge' };
  const p = credentials.params;
  const status = p.nonce === undefined ? 'invalid' : checkNonce(input.secret, input.realm, p.nonce, input.now, input.nonceTtlMs, input.binding).status;
  if (status === 'invalid') return { verdict: 'challenge', ...(p.username !== undefined ? { username: p.username } : {}) };
  return { verdict: 'check', credentials, nonceStatus: status };
}

/**
 * Order of the WWW-Authenticate (and Proxy-Authenticate) headers. The first
 * configured algorithm is the one clients that answer a single challenge end
 * up using:
 * - SIPp and most desk phones take the FIRST header;
 * - the browser stacks (JsSIP, and SIP.js, which shares its parser) keep the
 *   LAST one: their parser overwrites repeated WWW-Authenticate and
 *   Proxy-Authenticate headers (jssip lib/Parser.js) and their digest only
 *   knows MD5.
 * Those stacks speak SIP over WebSocket (RFC 7118), so on ws/wss the list is
 * reversed; RFC 8760-aware clients pick by algorithm and do not care.
 */
export function challengeOrder(algorithms: readonly DigestAlgorithm[], transport: TransportProtocol | undefined): DigestAlgorithm[] {
  return transport === 'ws' || transport === 'wss' ? [...algorithms].reverse() : [...algorithms];
}

export interface ChallengeInput {
  secret: string;
  realm: string;
  algorithms: readonly DigestAlgorithm[];
  now: number;
  binding: NonceBinding;
  /** Transport of the request; decides the order of the challenges (challengeOrder). */
  transport: TransportProtocol | undefined;
  /** RFC 7616 §3.3: the digest was right, only the nonce is old (or another edge's). */
  stale: boolean;
}

/** One challenge value per algorithm, all with one fresh stateless nonce (sip/digest.ts), qop=auth. */
export function digestChallenges(input: ChallengeInput): string[] {
  const nonce = createNonce(input.secret, input.realm, input.now, input.binding);
  return challengeOrder(input.algorithms, input.transport).map((algorithm) =>
    formatChallenge({ realm: input.realm, nonce, algorithm, qop: 'auth', stale: input.stale }),
  );
}

/** The reply that carries a challenge: 401 + WWW-Authenticate or 407 + Proxy-Authenticate. */
export function challengeReply(challenger: DigestChallenger, challenges: readonly string[]): SipReply {
  const names = DIGEST_HEADERS[challenger];
  return { status: names.status, reason: names.reason, headers: challenges.map((value) => ({ name: names.challenge, value })) };
}
