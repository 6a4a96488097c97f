/**
 * Digest authentication (RFC 3261 §22, RFC 7616, RFC 8760), shared by the
 * registrar and the proxy:
 * - REGISTER is challenged by the registrar as a UAS (RFC 3261 §22.1):
 *   401 + WWW-Authenticate, answered in Authorization;
 * - INVITE, MESSAGE and other out-of-dialog requests are challenged by the
 *   proxy (RFC 3261 §22.3): 407 + Proxy-Authenticate, answered in
 *   Proxy-Authorization.
 * Everything else (nonces, realms, anti-enumeration, challenge order) is the
 * same for both. Pure: the tenant and user lookups are passed in as data, the
 * clock as a number.
 *
 * Anti-enumeration: an unknown domain, an unknown user and a wrong password
 * look the same from outside — the same 401/407 first (realm = the domain
 * asked for when there is no tenant), then the same 403 — and unknown users
 * are verified against a dummy HA1 so the work (and the timing) is the same.
 *
 * Nonces are stateless (HMAC, sip/digest.ts): any function instance can
 * check them. Each is bound to its realm, to the source address it was sent
 * to and to the edge instance that issued it; that edge keeps the nonce
 * counts already used (edge/src/security/nonce-counts.ts) and turns a
 * replayed (nonce, nc) into a fresh challenge before any function runs. A
 * nonce of another edge (or an earlier boot) is answered stale=true, so a
 * captured request replayed elsewhere gets a challenge, never a 200.
 */
import { randomBytes } from 'node:crypto';
import { verifyDigestResponse, type DigestAlgorithm, type DigestParams, type NonceBinding, type SipRequest } from '../../../sip/index.js';
import type { TransportProtocol } from '../../../contracts/transport.js';
import {
  credentialVerdict,
  DIGEST_HEADERS,
  digestChallenges,
  type DigestChallenger,
} from '../../../contracts/digest-challenge.js';
import type { Tenant } from '../directory/tenant.js';
import type { UserAccount } from '../directory/user-account.js';
import type { RegistrarSettings } from '../../../contracts/settings/registrar-settings.js';

/** The challenge itself is contracts/digest-challenge.ts's, shared with the edge (which issues first REGISTER challenges). */
export {
  challengeOrder,
  challengeReply,
  DIGEST_HEADERS,
  findCredentials,
  type DigestChallenger,
  type DigestHeaderNames,
} from '../../../contracts/digest-challenge.js';

/** What happened, for the reply and for fail-to-ban (which counts 'failed'). */
export type { AuthOutcome } from '../../../contracts/function-events.js';

/** Internal reason of a 'failed' outcome: for logs and metrics only, never sent to the UA. */
export type AuthFailure =
  | 'username-mismatch'
  | 'unknown-tenant'
  | 'unknown-user'
  | 'unsupported-algorithm'
  | 'unsupported-qop'
  | 'incomplete-credentials'
  | 'wrong-response';

export interface AuthenticateInput {
  request: SipRequest;
  /**
   * Domain that picks the tenant and, without a tenant, the realm: for a
   * REGISTER the Request-URI host (RFC 3261 §10.3 step 1), for a call the
   * caller's From host. Lower-case.
   */
  domain: string;
  tenant: Tenant | undefined;
  /**
   * The address-of-record the request claims, which the credentials must be
   * for: the To user of a REGISTER, the From user of a call.
   */
  aorUser: string | undefined;
  /** The account of `aorUser` in `tenant`; undefined when unknown (or not looked up). */
  user: UserAccount | undefined;
  settings: Pick<RegistrarSettings, 'nonceSecret' | 'nonceTtlSeconds' | 'digestAlgorithms'>;
  now: number;
  /** Transport the REGISTER arrived on; decides the order of the challenges (see challengeOrder). */
  transport?: TransportProtocol;
  /** Who the nonces are for: the source address, and the edge instance that answers (contracts nonceIssuer). */
  binding: NonceBinding;
}

export interface DigestAuthInput extends AuthenticateInput {
  challenger: DigestChallenger;
}

/** Outcome of authenticateDigest: the challenge values go in DIGEST_HEADERS[challenger].challenge headers. */
export type DigestAuthResult =
  | { outcome: 'ok'; tenant: Tenant; user: UserAccount; username: string }
  /** One challenge value per configured algorithm (order: challengeOrder). */
  | { outcome: 'challenge'; challenges: string[]; username?: string }
  | { outcome: 'stale'; challenges: string[]; username?: string }
  | { outcome: 'failed'; failure: AuthFailure; username?: string };

/** The registrar's view of DigestAuthResult (the challenges are WWW-Authenticate values). */
export type AuthResult =
  | { outcome: 'ok'; tenant: Tenant; user: UserAccount; username: string }
  /** 401 with these WWW-Authenticate values, one per configured algorithm (order: challengeOrder). */
  | { outcome: 'challenge'; wwwAuthenticate: string[]; username?: string }
  | { outcome: 'stale'; wwwAuthenticate: string[]; username?: string }
  | { outcome: 'failed'; failure: AuthFailure; username?: string };

/** Realm of the challenges: the tenant's, or the domain asked for when there is none (no hint that it is unknown). */
export function challengeRealm(domain: string, tenant: Tenant | undefined): string {
  return tenant?.realm ?? domain;
}

/** RFC 7616 §3.3: an absent algorithm means MD5. Tokens compare case-insensitively. */
function digestAlgorithmOf(credentials: DigestParams): DigestAlgorithm | undefined {
  const raw = (credentials.params.algorithm ?? 'MD5').toUpperCase();
  return raw === 'MD5' || raw === 'SHA-256' ? raw : undefined;
}

/**
 * Random per process, never matching a real HA1: lets an unknown user cost
 * the same hashing as a known one.
 */
const DUMMY_HA1: Record<DigestAlgorithm, string> = {
  MD5: randomBytes(16).toString('hex'),
  'SHA-256': randomBytes(32).toString('hex'),
};

function challenge(input: DigestAuthInput, realm: string, stale: boolean, username?: string): DigestAuthResult {
  const { settings } = input;
  const challenges = digestChallenges({ secret: settings.nonceSecret, realm, algorithms: settings.digestAlgorithms, now: input.now, binding: input.binding, transport: input.transport, stale });
  return { outcome: stale ? 'stale' : 'challenge', challenges, ...(username !== undefined ? { username } : {}) };
}

/** The registrar's digest check of a REGISTER (401 / WWW-Authenticate / Authorization). */
export function authenticate(input: AuthenticateInput): AuthResult {
  const result = authenticateDigest({ ...input, challenger: 'registrar' });
  if (result.outcome !== 'challenge' && result.outcome !== 'stale') return result;
  const { challenges, outcome, ...rest } = result;
  return { ...rest, outcome, wwwAuthenticate: challenges };
}

/** Digest check of any request, as registrar or as proxy (see DIGEST_HEADERS). */
export function authenticateDigest(input: DigestAuthInput): DigestAuthResult {
  const { request, tenant, user, settings, now } = input;
  const realm = challengeRealm(input.domain, tenant);

  // No credentials for our realm (first contact, RFC 3261 §22.2), or a nonce we did not issue: a fresh challenge, not a failure.
  const verdict = credentialVerdict({
    request,
    realm,
    header: DIGEST_HEADERS[input.challenger].credentials,
    secret: settings.nonceSecret,
    now,
    nonceTtlMs: settings.nonceTtlSeconds * 1000,
    binding: input.binding,
  });
  if (verdict.verdict === 'challenge') return challenge(input, realm, false, verdict.username);
  const { credentials, nonceStatus } = verdict;
  const p = credentials.params;
  const username = p.username;

  const failed = (failure: AuthFailure): DigestAuthResult => ({ outcome: 'failed', failure, ...(username !== undefined ? { username } : {}) });

  if (username === undefined || p.response === undefined || p.uri === undefined) return failed('incomplete-credentials');

  const algorithm = digestAlgorithmOf(credentials);
  if (!algorithm || !settings.digestAlgorithms.includes(algorithm)) return failed('unsupported-algorithm');

  // Every challenge offers qop=auth, so an answer must use it (RFC 7616 §3.4): without qop there is no nonce
  // count, and a captured answer could be replayed (RFC 2069 answers are refused). auth-int was never offered.
  const qop = p.qop?.toLowerCase();
  if (qop !== 'auth') return failed('unsupported-qop');
  if (p.nc === undefined || p.cnonce === undefined || !/^[0-9a-fA-F]{8}$/.test(p.nc)) return failed('incomplete-credentials');

  // Always hash, with a dummy HA1 when there is no account, so unknown users cost the same.
  const account = tenant && user && user.tenantId === tenant.id && user.ext === username ? user : undefined;
  // The digest `uri` is hashed as sent and not compared with the Request-URI:
  // SIPp and some phones put the server address there; the response hash is the proof.
  const responseOk = verifyDigestResponse({
    algorithm,
    ha1: account?.ha1[algorithm] ?? DUMMY_HA1[algorithm],
    method: request.method,
    digestUri: p.uri,
    nonce: p.nonce!,
    qop: 'auth',
    nc: p.nc,
    cnonce: p.cnonce,
    response: p.response,
  });

  // The authenticated identity must be the AOR being registered (RFC 3261 §10.3 step 3)
  // or, for a call, the caller the From header claims to be.
  if (username !== input.aorUser) return failed('username-mismatch');
  if (!tenant) return failed('unknown-tenant');
  if (!account) return failed('unknown-user');
  if (!responseOk) return failed('wrong-response');

  // RFC 7616 §3.3: stale=true only when the digest was right for an old nonce (or another edge's),
  // so the UA retries with the new nonce without asking the user again.
  if (nonceStatus === 'stale') return challenge(input, realm, true, username);

  return { outcome: 'ok', tenant, user: account, username };
}
