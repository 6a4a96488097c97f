import { describe, expect, it } from 'vitest';
import { formatUri, parseUri, uriEquals, type SipUri } from '../../../sip/index.js';

describe('parseUri', () => {
  it.each<[string, Partial<SipUri>]>([
    ['sip:alice@atlanta.com', { scheme: 'sip', user: 'alice', host: 'atlanta.com', params: {}, headers: {} }],
    ['SIPS:Bob@Biloxi.COM:5061', { scheme: 'sips', user: 'Bob', host: 'Biloxi.COM', port: 5061 }],
    ['sip:alice:secretword@atlanta.com;transport=tcp', { user: 'alice', password: 'secretword', params: { transport: 'tcp' } }],
    ['sip:+1-212-555-1212:1234@gateway.com;user=phone', { user: '+1-212-555-1212', password: '1234', params: { user: 'phone' } }],
    ['sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com', { host: 'atlanta.com', params: { method: 'REGISTER' }, headers: { to: 'alice%40atlanta.com' } }],
    ['sip:alice;day=tuesday@atlanta.com', { user: 'alice;day=tuesday', host: 'atlanta.com' }],
    ['sip:[2001:db8::1]:5060;transport=udp', { host: '[2001:db8::1]', port: 5060, params: { transport: 'udp' } }],
    ['sip:user@[2001:db8::10]', { user: 'user', host: '[2001:db8::10]' }],
    ['sip:[::ffff:192.0.2.1]', { host: '[::ffff:192.0.2.1]' }],
    ['sip:%61lice%20smith@x.org', { user: 'alice smith', host: 'x.org' }],
    ['sip:proxy.example.com;lr;maddr=10.0.0.1', { params: { lr: null, maddr: '10.0.0.1' } }],
    ['sip:x@192.0.2.4:0', { host: '192.0.2.4', port: 0 }],
    ['sip:h.example;LR;Transport=TCP', { params: { lr: null, transport: 'TCP' } }],
    ['tel:+1-201-555-0123', { scheme: 'tel', user: '+1-201-555-0123', host: '' }],
    ['tel:7042;phone-context=example.com', { scheme: 'tel', user: '7042', params: { 'phone-context': 'example.com' } }],
  ])('parses %s', (text, expected) => {
    expect(parseUri(text)).toMatchObject(expected);
  });

  it.each([
    'alice@atlanta.com',          // no scheme
    'http://example.com/',        // not a SIP URI
    'sip:',                        // no host
    'sip:alice@',                  // no host after userinfo
    'sip:alice@atlanta.com:99999', // port out of range
    'sip:alice@atlanta.com:abc',   // port not numeric
    'sip:alice@2001:db8::1',       // IPv6 without brackets
    'sip:alice@[2001:db8::1',      // unterminated IPv6 reference
    'sip:al ice@atlanta.com',      // whitespace
    'sip:alice@atl anta.com',
    'sip:%zz@x.org',               // bad escape
    'sip:%ff@x.org',               // escape that is not UTF-8
    'sip:alice@atlanta.com>',      // delimiter
    'sip:a@b;x=<y>',
    'sip:a@b?noequals',
    'sip:user@host!name',
    'tel:abc xyz',
    '',
  ])('rejects %j', (text) => {
    expect(parseUri(text)).toBeUndefined();
  });

  it('keeps parameters and headers from reaching the prototype', () => {
    const u = parseUri('sip:a@b;__proto__=1?__proto__=2');
    expect(u && Object.getPrototypeOf(u.params)).toBe(Object.prototype);
    expect(u?.params['__proto__']).toBe('1');
  });
});

describe('formatUri', () => {
  it.each([
    'sip:alice@atlanta.com',
    'sips:bob:pw@biloxi.com:5061;transport=tls',
    'sip:[2001:db8::1]:5060;lr',
    'sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com&x=y',
    'sip:+1212;phone-context=x@gw.example;user=phone',
    'tel:+1-201-555-0123;phone-context=example.com',
  ])('round-trips %s', (text) => {
    const u = parseUri(text);
    expect(u).toBeDefined();
    expect(formatUri(u as SipUri)).toBe(text);
  });

  it('escapes user characters that are not allowed unescaped', () => {
    expect(formatUri({ scheme: 'sip', user: 'alice smith@home', host: 'x.org', params: {}, headers: {} })).toBe('sip:alice%20smith%40home@x.org');
  });

  it('does not throw on lone surrogates', () => {
    expect(() => formatUri({ scheme: 'sip', user: '\uD800', host: 'x', params: {}, headers: {} })).not.toThrow();
  });
});

describe('uriEquals (RFC 3261 §19.1.4)', () => {
  it.each([
    ['sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'],
    ['sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;newparam=5'],
    ['sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com', 'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com'],
    ['sip:alice@atlanta.com?subject=project%20x&priority=urgent', 'sip:alice@atlanta.com?priority=urgent&subject=project%20x'],
  ])('%s equals %s', (a, b) => {
    expect(uriEquals(a, b)).toBe(true);
    expect(uriEquals(b, a)).toBe(true);
  });

  it.each([
    ['SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP'], // user case differs
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060'],                               // default port is not implied
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp'],                       // significant param on one side
    ['sip:carol@chicago.com;newparam=5', 'sip:carol@chicago.com;newparam=6'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting'],        // header on one side
    ['sip:a@b', 'sips:a@b'],
    ['sip:a@b', 'not a uri'],
  ])('%s differs from %s', (a, b) => {
    expect(uriEquals(a, b)).toBe(false);
  });
});
