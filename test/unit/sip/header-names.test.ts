import { describe, expect, it } from 'vitest';
import { canonicalHeaderName, getHeader, headerKey, headerNamesEqual, isListHeader } from '../../../sip/index.js';

describe('canonicalHeaderName', () => {
  it.each([
    ['i', 'Call-ID'], ['m', 'Contact'], ['e', 'Content-Encoding'], ['l', 'Content-Length'], ['c', 'Content-Type'],
    ['f', 'From'], ['s', 'Subject'], ['k', 'Supported'], ['t', 'To'], ['v', 'Via'], ['o', 'Event'], ['r', 'Refer-To'],
    ['b', 'Referred-By'], ['u', 'Allow-Events'], ['x', 'Session-Expires'], ['a', 'Accept-Contact'],
    ['j', 'Reject-Contact'], ['d', 'Request-Disposition'], ['y', 'Identity'], ['n', 'Identity-Info'],
    ['V', 'Via'], ['I', 'Call-ID'],
  ])('expands compact form %s to %s', (compact, long) => {
    expect(canonicalHeaderName(compact)).toBe(long);
  });

  it.each([
    ['call-id', 'Call-ID'], ['CALL-ID', 'Call-ID'], ['cseq', 'CSeq'], ['www-authenticate', 'WWW-Authenticate'],
    ['max-forwards', 'Max-Forwards'], ['content-length', 'Content-Length'], ['VIA', 'Via'],
  ])('canonicalises the known name %s to %s', (raw, canonical) => {
    expect(canonicalHeaderName(raw)).toBe(canonical);
  });

  it.each(['X-Custom-Thing', 'x-lower', 'P-Whatever', 'q'])('returns the unknown name %s as received', (name) => {
    expect(canonicalHeaderName(name)).toBe(name);
  });

  it('compares names case-insensitively and compact-aware', () => {
    expect(headerNamesEqual('v', 'VIA')).toBe(true);
    expect(headerNamesEqual('X-Foo', 'x-foo')).toBe(true);
    expect(headerNamesEqual('To', 'From')).toBe(false);
  });
});

describe('isListHeader', () => {
  it.each(['Via', 'v', 'Contact', 'm', 'Route', 'Record-Route', 'Allow', 'Supported', 'k', 'Require', 'Proxy-Require',
    'Unsupported', 'Accept', 'Allow-Events', 'Path', 'record-route'])('treats %s as a comma-separated list', (name) => {
    expect(isListHeader(name)).toBe(true);
  });

  it.each(['WWW-Authenticate', 'Authorization', 'Proxy-Authorization', 'Proxy-Authenticate', 'Date', 'From', 'To',
    'Call-ID', 'CSeq', 'Subject', 'X-Unknown'])('does not split %s', (name) => {
    expect(isListHeader(name)).toBe(false);
  });
});

describe('resolved spellings (kept, bounded)', () => {
  it('answer the same after a flood of made-up names and very long ones (the cache starts again, nothing is mixed up)', () => {
    for (let i = 0; i < 5000; i++) expect(headerKey(`X-Made-Up-${i}`)).toBe(`x-made-up-${i}`);
    const long = `X-${'a'.repeat(200)}`;
    expect(canonicalHeaderName(long)).toBe(long);
    expect(headerKey(long)).toBe(long.toLowerCase());
    expect(isListHeader('v')).toBe(true);
    expect(isListHeader('X-Made-Up-4999')).toBe(false);
    expect(getHeader({ headers: [{ name: 'VIA', value: 'SIP/2.0/UDP a, SIP/2.0/UDP b' }, { name: long, value: 'x' }] }, 'v')).toBe('SIP/2.0/UDP a');
    expect(getHeader({ headers: [{ name: long, value: ' x ' }] }, long.toUpperCase())).toBe('x');
  });
});
