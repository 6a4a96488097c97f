import { describe, expect, it } from 'vitest';
import { formatChallenge, formatCredentials, parseAuthHeader } from '../../../sip/index.js';

describe('parseAuthHeader', () => {
  it('parses RFC 3261 style credentials with quoted and token values', () => {
    const v = 'Digest username="bob", realm="biloxi.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:bob@biloxi.com", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
    expect(parseAuthHeader(v)).toEqual({
      scheme: 'Digest',
      params: {
        username: 'bob', realm: 'biloxi.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', uri: 'sip:bob@biloxi.com',
        qop: 'auth', nc: '00000001', cnonce: '0a4f113b', response: '6629fae49393a05397450978507c4ef1',
        opaque: '5ccc069c403ebaf9f0171e9517f40e41',
      },
    });
  });

  it('keeps commas inside quoted values and lowercases names', () => {
    expect(parseAuthHeader('Digest Realm="a, b",QOP="auth,auth-int" ,  Algorithm=SHA-256')).toEqual({
      scheme: 'Digest',
      params: { realm: 'a, b', qop: 'auth,auth-int', algorithm: 'SHA-256' },
    });
  });

  it('unescapes quoted-pairs in values', () => {
    expect(parseAuthHeader('Digest username="Mu\\"fasa"')?.params.username).toBe('Mu"fasa');
  });

  it('accepts a scheme without parameters', () => {
    expect(parseAuthHeader('Digest')).toEqual({ scheme: 'Digest', params: {} });
  });

  it.each([
    '',
    ' ',
    'Digest realm="unterminated',
    'Digest realm',                  // parameter without value
    'Digest =x',
    'Digest realm="a", realm="b"',   // repeated directive: ambiguous
    'Digest realm=a b',
    'Di"gest realm="a"',
  ])('rejects %j', (value) => {
    expect(parseAuthHeader(value)).toBeUndefined();
  });
});

describe('formatChallenge', () => {
  it('writes the minimal challenge', () => {
    expect(formatChallenge({ realm: 'pbx.example', nonce: 'n1', algorithm: 'MD5' })).toBe('Digest realm="pbx.example", nonce="n1", algorithm=MD5');
  });
  it('writes qop, stale and opaque', () => {
    expect(formatChallenge({ realm: 'r', nonce: 'n', algorithm: 'SHA-256', qop: 'auth', stale: true, opaque: 'o' })).toBe(
      'Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth", stale=true, opaque="o"',
    );
  });
  it('parses back to the same parameters', () => {
    const c = formatChallenge({ realm: 'we"ird', nonce: 'abc.def', algorithm: 'MD5', qop: 'auth' });
    expect(parseAuthHeader(c)).toEqual({ scheme: 'Digest', params: { realm: 'we"ird', nonce: 'abc.def', algorithm: 'MD5', qop: 'auth' } });
  });
});

describe('formatCredentials', () => {
  it('writes qop credentials for a UAC', () => {
    const v = formatCredentials({
      username: 'alice', realm: 'r', nonce: 'n', uri: 'sip:r', response: 'abc', algorithm: 'MD5', cnonce: 'c', qop: 'auth', nc: '00000002', opaque: 'o',
    });
    expect(v).toBe('Digest username="alice", realm="r", nonce="n", uri="sip:r", response="abc", algorithm=MD5, cnonce="c", qop=auth, nc=00000002, opaque="o"');
    expect(parseAuthHeader(v)?.params.nc).toBe('00000002');
  });
  it('omits cnonce/qop/nc without qop (RFC 2069 compatibility)', () => {
    expect(formatCredentials({ username: 'a', realm: 'r', nonce: 'n', uri: 'sip:r', response: 'x', algorithm: 'SHA-256' })).toBe(
      'Digest username="a", realm="r", nonce="n", uri="sip:r", response="x", algorithm=SHA-256',
    );
  });
});
