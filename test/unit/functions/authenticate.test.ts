import { describe, expect, it } from 'vitest';
import { authenticate, type AuthResult, type AuthenticateInput } from '../../../functions/src/auth/authenticate.js';
import type { Tenant } from '../../../functions/src/directory/tenant.js';
import type { UserAccount } from '../../../functions/src/directory/user-account.js';
import {
  computeDigestResponse,
  computeHa1,
  formatCredentials,
  parseAuthHeader,
  type DigestAlgorithm,
} from '../../../sip/index.js';
import { NOW, REGISTRAR_SETTINGS, registerText, sipRequest } from './fixtures.js';

const TENANT: Tenant = { id: 'acme', realm: 'acme.test', domains: ['acme.test', '127.0.0.1'] };
const PASSWORD = 's3cret-1001';
const USER: UserAccount = {
  tenantId: 'acme',
  ext: '1001',
  ha1: { MD5: computeHa1('MD5', '1001', 'acme.test', PASSWORD), 'SHA-256': computeHa1('SHA-256', '1001', 'acme.test', PASSWORD) },
  multiDevice: false,
  maxDevices: 3,
};

interface Attempt {
  user?: string;
  password?: string;
  algorithm?: DigestAlgorithm;
  /** digest-uri; defaults to the Request-URI. */
  digestUri?: string;
  /** When the nonce was issued (ms before NOW). */
  nonceAgeMs?: number;
  domain?: string;
  username?: string;
}

function input(authorization: string | undefined, o: { user?: string; domain?: string; account?: UserAccount | undefined; tenant?: Tenant | undefined } = {}): AuthenticateInput {
  const user = o.user ?? '1001';
  const domain = o.domain ?? 'acme.test';
  return {
    request: sipRequest(registerText({ user, domain, contacts: ['<sip:1001@198.51.100.7:5060>'], ...(authorization ? { authorization } : {}) })),
    domain,
    tenant: 'tenant' in o ? o.tenant : TENANT,
    aorUser: user,
    user: 'account' in o ? o.account : user === USER.ext ? USER : undefined,
    settings: REGISTRAR_SETTINGS,
    now: NOW,
    binding: BINDING,
  };
}

/** Where the challenges of these tests are sent: the phone's address, answered by one edge instance. */
const BINDING = { source: '198.51.100.7', issuer: 'edge-a/boot-2' };

/** Gets a challenge, then answers it as a phone would. */
function answer(a: Attempt = {}): string {
  const domain = a.domain ?? 'acme.test';
  const knownDomain = TENANT.domains.includes(domain);
  const first = authenticate({
    ...input(undefined, { domain, user: a.user ?? '1001', ...(knownDomain ? {} : { tenant: undefined }) }),
    now: NOW - (a.nonceAgeMs ?? 0),
  });
  if (first.outcome !== 'challenge') throw new Error('expected a challenge');
  const algorithm = a.algorithm ?? 'MD5';
  const challenge = first.wwwAuthenticate.map((v) => parseAuthHeader(v)!).find((c) => c.params.algorithm === algorithm)!;
  const { realm, nonce } = challenge.params;
  const username = a.username ?? a.user ?? '1001';
  const uri = a.digestUri ?? `sip:${domain}`;
  const ha1 = computeHa1(algorithm, username, realm!, a.password ?? PASSWORD);
  const response = computeDigestResponse({ algorithm, ha1, method: 'REGISTER', digestUri: uri, nonce: nonce!, qop: 'auth', nc: '00000001', cnonce: 'abc123' });
  return formatCredentials({ username, realm: realm!, nonce: nonce!, uri, response, algorithm, qop: 'auth', nc: '00000001', cnonce: 'abc123' });
}

/** What a UA can observe of an outcome: kind plus the challenge shape (nonces differ on every call). */
function observable(r: AuthResult): unknown {
  if (r.outcome === 'challenge' || r.outcome === 'stale') {
    return { outcome: r.outcome, challenges: r.wwwAuthenticate.map((v) => v.replace(/nonce="[^"]*"/, 'nonce="*"')) };
  }
  return { outcome: r.outcome };
}

describe('authenticate (RFC 3261 §22, RFC 7616, RFC 8760)', () => {
  it('challenges a REGISTER without credentials with one WWW-Authenticate per algorithm, MD5 first, qop="auth"', () => {
    const r = authenticate(input(undefined));
    expect(r.outcome).toBe('challenge');
    if (r.outcome !== 'challenge') return;
    expect(r.wwwAuthenticate).toHaveLength(2);
    expect(r.wwwAuthenticate.map((v) => parseAuthHeader(v)!.params)).toMatchObject([
      { realm: 'acme.test', algorithm: 'MD5', qop: 'auth' },
      { realm: 'acme.test', algorithm: 'SHA-256', qop: 'auth' },
    ]);
  });

  it.each(['MD5', 'SHA-256'] as const)('accepts the correct answer to the %s challenge', (algorithm) => {
    const r = authenticate(input(answer({ algorithm })));
    expect(r).toMatchObject({ outcome: 'ok', username: '1001', tenant: { id: 'acme' }, user: { ext: '1001' } });
  });

  it('accepts a digest uri that differs from the Request-URI (SIPp puts the server address there)', () => {
    expect(authenticate(input(answer({ digestUri: 'sip:127.0.0.1:5060' }))).outcome).toBe('ok');
  });

  it('refuses a wrong password with failed (403), not a new challenge', () => {
    expect(authenticate(input(answer({ password: 'wrong' })))).toMatchObject({ outcome: 'failed', failure: 'wrong-response' });
  });

  it('makes an unknown user indistinguishable from a wrong password: same 401 first, same failed after', () => {
    const unknownChallenge = authenticate(input(undefined, { user: '9999' }));
    const knownChallenge = authenticate(input(undefined, { user: '1001' }));
    expect(observable(unknownChallenge)).toEqual(observable(knownChallenge));

    const unknown = authenticate(input(answer({ user: '9999' }), { user: '9999' }));
    const wrongPassword = authenticate(input(answer({ password: 'wrong' })));
    expect(observable(unknown)).toEqual(observable(wrongPassword));
    expect(unknown).toMatchObject({ outcome: 'failed', failure: 'unknown-user', username: '9999' });
  });

  it('challenges an unknown domain with that host as realm, then fails like a wrong password', () => {
    const first = authenticate(input(undefined, { domain: 'nobody.test', tenant: undefined }));
    expect(first.outcome).toBe('challenge');
    if (first.outcome !== 'challenge') return;
    expect(parseAuthHeader(first.wwwAuthenticate[0]!)!.params.realm).toBe('nobody.test');
    const second = authenticate(input(answer({ domain: 'nobody.test' }), { domain: 'nobody.test', tenant: undefined }));
    expect(second).toMatchObject({ outcome: 'failed', failure: 'unknown-tenant' });
  });

  it('answers a correct digest on an expired nonce with a stale=true challenge', () => {
    const r = authenticate(input(answer({ nonceAgeMs: 301_000 })));
    expect(r.outcome).toBe('stale');
    if (r.outcome !== 'stale') return;
    expect(r.wwwAuthenticate.every((v) => parseAuthHeader(v)!.params.stale === 'true')).toBe(true);
  });

  it('fails a wrong digest on an expired nonce instead of inviting a silent retry', () => {
    expect(authenticate(input(answer({ nonceAgeMs: 301_000, password: 'wrong' }))).outcome).toBe('failed');
  });

  it('re-challenges credentials carrying a nonce it never issued', () => {
    const forged = answer().replace(/nonce="[^"]*"/, 'nonce="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBB"');
    expect(authenticate(input(forged)).outcome).toBe('challenge');
  });

  it('re-challenges a nonce that was sent to another address (a forged source cannot answer it, so it is no failure)', () => {
    const r = authenticate({ ...input(answer()), binding: { ...BINDING, source: '203.0.113.9' } });
    expect(r.outcome).toBe('challenge');
  });

  it('answers a right digest on a nonce of another edge (or an earlier boot) with stale=true: the edge that issued it keeps its nonce counts', () => {
    const r = authenticate({ ...input(answer()), binding: { ...BINDING, issuer: 'edge-b/boot-1' } });
    expect(r.outcome).toBe('stale');
  });

  it('fails an answer without qop: every challenge offered qop=auth (RFC 2069 answers have no nonce count to check)', () => {
    const withQop = answer();
    const params = parseAuthHeader(withQop)!.params;
    const ha1 = computeHa1('MD5', '1001', params.realm!, PASSWORD);
    const response = computeDigestResponse({ algorithm: 'MD5', ha1, method: 'REGISTER', digestUri: params.uri!, nonce: params.nonce! });
    const rfc2069 = formatCredentials({ username: '1001', realm: params.realm!, nonce: params.nonce!, uri: params.uri!, response, algorithm: 'MD5' });
    expect(authenticate(input(rfc2069))).toMatchObject({ outcome: 'failed', failure: 'unsupported-qop' });
  });

  it('fails when the digest username is not the user of the To URI', () => {
    // 1002 authenticates correctly but tries to register 1001's AOR.
    const creds = answer({ username: '1002' });
    expect(authenticate(input(creds))).toMatchObject({ outcome: 'failed', failure: 'username-mismatch', username: '1002' });
  });

  it('fails an algorithm that is not configured', () => {
    const creds = answer({ algorithm: 'SHA-256' });
    const r = authenticate({ ...input(creds), settings: { ...REGISTRAR_SETTINGS, digestAlgorithms: ['MD5'] } });
    expect(r).toMatchObject({ outcome: 'failed', failure: 'unsupported-algorithm' });
  });

  it.each(['ws', 'wss'] as const)(
    'puts the preferred algorithm LAST over %s, where browser stacks (JsSIP, SIP.js) keep only the last challenge',
    (transport) => {
      const r = authenticate({ ...input(undefined), transport });
      if (r.outcome !== 'challenge') throw new Error('expected a challenge');
      expect(r.wwwAuthenticate.map((v) => parseAuthHeader(v)!.params.algorithm)).toEqual(['SHA-256', 'MD5']);
    },
  );

  it.each(['udp', 'tcp', 'tls'] as const)('keeps the configured order over %s (first challenge = preferred)', (transport) => {
    const r = authenticate({ ...input(undefined), transport });
    if (r.outcome !== 'challenge') throw new Error('expected a challenge');
    expect(r.wwwAuthenticate.map((v) => parseAuthHeader(v)!.params.algorithm)).toEqual(['MD5', 'SHA-256']);
  });

  it('offers SHA-256 first when configured so (RFC 8760)', () => {
    const r = authenticate({ ...input(undefined), settings: { ...REGISTRAR_SETTINGS, digestAlgorithms: ['SHA-256', 'MD5'] } });
    if (r.outcome !== 'challenge') throw new Error('expected a challenge');
    expect(r.wwwAuthenticate.map((v) => parseAuthHeader(v)!.params.algorithm)).toEqual(['SHA-256', 'MD5']);
  });
});
