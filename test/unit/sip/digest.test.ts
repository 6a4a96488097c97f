import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkNonce, computeDigestResponse, computeHa1, createNonce, verifyDigestResponse, type DigestAlgorithm,
} from '../../../sip/index.js';

// RFC 7616 §3.9.1
const RFC7616 = {
  username: 'Mufasa',
  password: 'Circle of Life',
  realm: 'http-auth@example.org',
  method: 'GET',
  digestUri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  nc: '00000001',
  qop: 'auth' as const,
};

describe('computeDigestResponse (RFC 7616 §3.9.1 vectors)', () => {
  it.each<[DigestAlgorithm, string]>([
    ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
  ])('computes the %s response', (algorithm, expected) => {
    const ha1 = computeHa1(algorithm, RFC7616.username, RFC7616.realm, RFC7616.password);
    expect(computeDigestResponse({ algorithm, ha1, ...RFC7616 })).toBe(expected);
    expect(verifyDigestResponse({ algorithm, ha1, ...RFC7616, response: expected })).toBe(true);
    expect(verifyDigestResponse({ algorithm, ha1, ...RFC7616, response: expected.toUpperCase() })).toBe(true);
  });

  it.each<[DigestAlgorithm, string]>([
    ['MD5', '3d78807defe7de2157e2b0b6573a855f'],
    ['SHA-256', '7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232'],
  ])('computes the %s HA1 as H(username:realm:password)', (algorithm, expected) => {
    expect(computeHa1(algorithm, 'Mufasa', 'http-auth@example.org', 'Circle of Life')).toBe(expected);
  });
});

describe('verifyDigestResponse', () => {
  const ha1 = computeHa1('MD5', 'alice', 'pbx', 'secret');
  const base = { algorithm: 'MD5' as const, ha1, method: 'REGISTER', digestUri: 'sip:pbx', nonce: 'n', qop: 'auth' as const, nc: '00000001', cnonce: 'c' };
  const good = computeDigestResponse(base);

  it.each([
    ['wrong password', { ha1: computeHa1('MD5', 'alice', 'pbx', 'wrong') }],
    ['wrong method', { method: 'INVITE' }],
    ['wrong uri', { digestUri: 'sip:other' }],
    ['wrong nonce', { nonce: 'm' }],
    ['wrong nc', { nc: '00000002' }],
    ['wrong cnonce', { cnonce: 'd' }],
    ['other algorithm', { algorithm: 'SHA-256' as const }],
  ])('rejects a response computed with a %s', (_label, change) => {
    expect(verifyDigestResponse({ ...base, ...change, response: good })).toBe(false);
  });

  it('rejects truncated, empty and non-string responses', () => {
    expect(verifyDigestResponse({ ...base, response: good.slice(0, 31) })).toBe(false);
    expect(verifyDigestResponse({ ...base, response: '' })).toBe(false);
    expect(verifyDigestResponse({ ...base, response: undefined as unknown as string })).toBe(false);
  });

  it('supports RFC 2069 responses without qop: H(HA1:nonce:HA2)', () => {
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const noQop = computeDigestResponse({ algorithm: 'MD5', ha1, method: 'REGISTER', digestUri: 'sip:pbx', nonce: 'n' });
    expect(noQop).toBe(md5(`${ha1}:n:${md5('REGISTER:sip:pbx')}`));
    expect(verifyDigestResponse({ algorithm: 'MD5', ha1, method: 'REGISTER', digestUri: 'sip:pbx', nonce: 'n', response: noQop })).toBe(true);
  });
});

describe('stateless nonces', () => {
  const secret = 'test-secret';
  const realm = 'pbx.example';
  const now = 1_700_000_000_000;
  const binding = { source: '198.51.100.7', issuer: 'edge-a/boot-1' };

  it('accepts a fresh nonce on any instance that knows the secret', () => {
    const nonce = createNonce(secret, realm, now, binding);
    expect(checkNonce(secret, realm, nonce, now + 1000, 60_000, binding)).toEqual({ status: 'valid', issuedAt: now });
  });

  it('reports an old but authentic nonce as stale', () => {
    const nonce = createNonce(secret, realm, now, binding);
    expect(checkNonce(secret, realm, nonce, now + 60_001, 60_000, binding).status).toBe('stale');
  });

  it('reports an authentic nonce of another edge, or of an earlier boot of this one, as stale (only its issuer tracks its nonce counts)', () => {
    const nonce = createNonce(secret, realm, now, binding);
    expect(checkNonce(secret, realm, nonce, now, 60_000, { ...binding, issuer: 'edge-b/boot-1' }).status).toBe('stale');
    expect(checkNonce(secret, realm, nonce, now, 60_000, { ...binding, issuer: 'edge-a/boot-2' }).status).toBe('stale');
  });

  it('is bound to the source address it was sent to: from anywhere else it is invalid', () => {
    const nonce = createNonce(secret, realm, now, binding);
    expect(checkNonce(secret, realm, nonce, now, 60_000, { ...binding, source: '198.51.100.8' }).status).toBe('invalid');
  });

  it('creates unique nonces for the same instant', () => {
    expect(createNonce(secret, realm, now, binding)).not.toBe(createNonce(secret, realm, now, binding));
  });

  it('produces nonces safe inside a quoted-string', () => {
    expect(createNonce(secret, realm, now, binding)).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it.each<[string, (n: string) => [string, string, string, number]]>([
    ['another secret', (n) => ['other', realm, n, now]],
    ['another realm', (n) => [secret, 'other.example', n, now]],
    ['a nonce from the future', (n) => [secret, realm, n, now - 31_000]],
    ['a tampered timestamp', (n) => [secret, realm, (n[0] === 'A' ? 'B' : 'A') + n.slice(1), now]],
    ['a tampered tag', (n) => [secret, realm, n.slice(0, -1) + (n.endsWith('A') ? 'B' : 'A'), now]],
    ['garbage', () => [secret, realm, 'not-a-nonce', now]],
    ['an empty nonce', () => [secret, realm, '', now]],
    ['an over-long nonce', (n) => [secret, realm, n + '.' + 'x'.repeat(500), now]],
    ['a missing tag', (n) => [secret, realm, n.split('.')[0], now]],
  ])('reports %s as invalid', (_label, make) => {
    const nonce = createNonce(secret, realm, now, binding);
    const [s, r, n, t] = make(nonce);
    expect(checkNonce(s, r, n, t, 60_000, binding).status).toBe('invalid');
  });

  it('tolerates 30 s of clock skew between instances', () => {
    const nonce = createNonce(secret, realm, now, binding);
    expect(checkNonce(secret, realm, nonce, now - 29_000, 60_000, binding).status).toBe('valid');
  });
});
