/**
 * The proxy side of the shared digest authentication (RFC 3261 §22.3): calls
 * are challenged with 407 + Proxy-Authenticate and answered in
 * Proxy-Authorization, with the same anti-enumeration rules as REGISTER.
 */
import { describe, expect, it } from 'vitest';
import {
  authenticate,
  authenticateDigest,
  challengeReply,
  type DigestAuthInput,
  type DigestAuthResult,
} from '../../../functions/src/auth/authenticate.js';
import type { Tenant } from '../../../functions/src/directory/tenant.js';
import type { UserAccount } from '../../../functions/src/directory/user-account.js';
import { computeDigestResponse, computeHa1, formatCredentials, parseAuthHeader } from '../../../sip/index.js';
import { callText, NOW, REGISTRAR_SETTINGS, registerText, sipRequest } from './fixtures.js';

const TENANT: Tenant = { id: 'acme', realm: 'acme.test', domains: ['acme.test'] };
const PASSWORD = 's3cret-1001';
const USER: UserAccount = {
  tenantId: 'acme',
  ext: '1001',
  ha1: { MD5: computeHa1('MD5', '1001', 'acme.test', PASSWORD), 'SHA-256': computeHa1('SHA-256', '1001', 'acme.test', PASSWORD) },
  multiDevice: false,
  maxDevices: 3,
};

function invite(o: { from?: string; proxyAuthorization?: string; authorization?: string } = {}) {
  const text = callText({ from: o.from ?? '1001', domain: 'acme.test', to: '1002', ...(o.proxyAuthorization ? { proxyAuthorization: o.proxyAuthorization } : {}) });
  const withAuthorization = o.authorization ? text.replace('Content-Length: 0', `Authorization: ${o.authorization}\nContent-Length: 0`) : text;
  return sipRequest(withAuthorization);
}

function input(request: ReturnType<typeof invite>, from = '1001', now = NOW): DigestAuthInput {
  return {
    challenger: 'proxy',
    request,
    domain: 'acme.test',
    tenant: TENANT,
    aorUser: from,
    user: from === USER.ext ? USER : undefined,
    settings: REGISTRAR_SETTINGS,
    now,
    binding: { source: '198.51.100.7', issuer: 'edge-a/boot-2' },
  };
}

/** Answers a 407 for INVITE as a phone does. */
function credentials(o: { from?: string; password?: string; nonceAgeMs?: number } = {}): string {
  const first = authenticateDigest(input(invite({ from: o.from }), o.from, NOW - (o.nonceAgeMs ?? 0)));
  if (first.outcome !== 'challenge') throw new Error('expected a challenge');
  const { realm, nonce } = parseAuthHeader(first.challenges[0]!)!.params;
  const username = o.from ?? '1001';
  const uri = 'sip:1002@acme.test';
  const ha1 = computeHa1('MD5', username, realm!, o.password ?? PASSWORD);
  const response = computeDigestResponse({ algorithm: 'MD5', ha1, method: 'INVITE', digestUri: uri, nonce: nonce!, qop: 'auth', nc: '00000001', cnonce: 'c0ffee' });
  return formatCredentials({ username, realm: realm!, nonce: nonce!, uri, response, algorithm: 'MD5', qop: 'auth', nc: '00000001', cnonce: 'c0ffee' });
}

const shape = (r: DigestAuthResult) =>
  r.outcome === 'challenge' || r.outcome === 'stale' ? { outcome: r.outcome, challenges: r.challenges.map((c) => c.replace(/nonce="[^"]*"/, 'nonce="*"')) } : { outcome: r.outcome };

describe('authenticateDigest as a proxy (RFC 3261 §22.3)', () => {
  it('challenges an INVITE without credentials, and challengeReply makes it a 407 with Proxy-Authenticate', () => {
    const r = authenticateDigest(input(invite()));
    if (r.outcome !== 'challenge') throw new Error('expected a challenge');
    const reply = challengeReply('proxy', r.challenges);
    expect(reply.status).toBe(407);
    expect(reply.reason).toBe('Proxy Authentication Required');
    expect(reply.headers.map((h) => [h.name, parseAuthHeader(h.value)!.params.algorithm])).toEqual([
      ['Proxy-Authenticate', 'MD5'],
      ['Proxy-Authenticate', 'SHA-256'],
    ]);
  });

  it('accepts the right answer in Proxy-Authorization', () => {
    expect(authenticateDigest(input(invite({ proxyAuthorization: credentials() })))).toMatchObject({ outcome: 'ok', username: '1001', user: { ext: '1001' } });
  });

  it('ignores credentials sent in Authorization (the wrong header for a proxy) and challenges again', () => {
    expect(authenticateDigest(input(invite({ authorization: credentials() }))).outcome).toBe('challenge');
  });

  it('makes an unknown caller indistinguishable from a wrong password: same 407 first, same failure after', () => {
    expect(shape(authenticateDigest(input(invite({ from: '9999' }), '9999')))).toEqual(shape(authenticateDigest(input(invite()))));
    const unknown = authenticateDigest(input(invite({ from: '9999', proxyAuthorization: credentials({ from: '9999' }) }), '9999'));
    const wrong = authenticateDigest(input(invite({ proxyAuthorization: credentials({ password: 'nope' }) })));
    expect(shape(unknown)).toEqual(shape(wrong));
    expect(unknown).toMatchObject({ outcome: 'failed', failure: 'unknown-user' });
    expect(wrong).toMatchObject({ outcome: 'failed', failure: 'wrong-response' });
  });

  it('fails a caller that authenticates as someone else than its From user', () => {
    const r = authenticateDigest(input(invite({ proxyAuthorization: credentials() }), '1002'));
    expect(r).toMatchObject({ outcome: 'failed', failure: 'username-mismatch', username: '1001' });
  });

  it('answers a right digest on an old nonce with stale=true', () => {
    const r = authenticateDigest(input(invite({ proxyAuthorization: credentials({ nonceAgeMs: 301_000 }) })));
    expect(r.outcome).toBe('stale');
  });

  it.each(['ws', 'wss'] as const)('reverses the Proxy-Authenticate order over %s like the 401 (browser stacks keep the last)', (transport) => {
    const r = authenticateDigest({ ...input(invite()), transport });
    if (r.outcome !== 'challenge') throw new Error('expected a challenge');
    expect(r.challenges.map((c) => parseAuthHeader(c)!.params.algorithm)).toEqual(['SHA-256', 'MD5']);
  });

  it('keeps the registrar flavour on 401 semantics: Proxy-Authorization does not authenticate a REGISTER', () => {
    const proxyCreds = credentials();
    const register = sipRequest(
      registerText({ user: '1001', domain: 'acme.test', contacts: ['<sip:1001@198.51.100.7>'] }).replace('Content-Length: 0', `Proxy-Authorization: ${proxyCreds}\nContent-Length: 0`),
    );
    const r = authenticate({ request: register, domain: 'acme.test', tenant: TENANT, aorUser: '1001', user: USER, settings: REGISTRAR_SETTINGS, now: NOW, binding: { source: '198.51.100.7', issuer: 'edge-a/boot-2' } });
    expect(r.outcome).toBe('challenge');
    expect(challengeReply('registrar', r.outcome === 'challenge' ? r.wwwAuthenticate : []).status).toBe(401);
  });
});
