import { describe, expect, it } from 'vitest';
import { formatNameAddr, parseContacts, parseNameAddr, type NameAddr } from '../../../sip/index.js';

describe('parseNameAddr', () => {
  it.each<[string, NameAddr]>([
    ['"A \\"b\\"" <sip:x@y;lr>;tag=1', { displayName: 'A "b"', uri: 'sip:x@y;lr', params: { tag: '1' } }],
    ['<sip:x>', { uri: 'sip:x', params: {} }],
    ['sip:x@y;tag=1', { uri: 'sip:x@y', params: { tag: '1' } }],
    ['Bob <sip:bob@biloxi.com>', { displayName: 'Bob', uri: 'sip:bob@biloxi.com', params: {} }],
    ['Bob   Smith<sip:bob@biloxi.com> ; tag = a6c85cf', { displayName: 'Bob Smith', uri: 'sip:bob@biloxi.com', params: { tag: 'a6c85cf' } }],
    ['"" <sip:anon@x>', { displayName: '', uri: 'sip:anon@x', params: {} }],
    ['"J\\\\D" <sips:jd@x:5061;transport=tls>;expires=60;q=0.7', { displayName: 'J\\D', uri: 'sips:jd@x:5061;transport=tls', params: { expires: '60', q: '0.7' } }],
    ['<sip:[2001:db8::1]:5070;transport=tcp>;+sip.instance="<urn:uuid:abc>"', { uri: 'sip:[2001:db8::1]:5070;transport=tcp', params: { '+sip.instance': '<urn:uuid:abc>' } }],
    ['"Ünïcødé 名前" <sip:u@x>', { displayName: 'Ünïcødé 名前', uri: 'sip:u@x', params: {} }],
    ['tel:+12125551212;tag=x', { uri: 'tel:+12125551212', params: { tag: 'x' } }],
    ['<tel:+1;phone-context=a>', { uri: 'tel:+1;phone-context=a', params: {} }],
    ['sip:alice@atlanta.com', { uri: 'sip:alice@atlanta.com', params: {} }],
  ])('parses %s', (value, expected) => {
    expect(parseNameAddr(value)).toEqual(expected);
  });

  it('assigns params after an addr-spec to the header, not the URI', () => {
    const na = parseNameAddr('sip:bob@biloxi.com;transport=tcp;tag=x');
    expect(na?.uri).toBe('sip:bob@biloxi.com');
    expect(na?.params).toEqual({ transport: 'tcp', tag: 'x' });
  });

  it.each([
    '',
    '"unterminated <sip:x@y>',
    '"name" sip:x@y',         // quoted display name needs <>
    '<sip:x@y',               // missing >
    'Bob <>',                 // empty URI
    'Bob <not a uri>',
    '<sip:x@y> garbage',
    '<sip:x@y>;tag="open',
    'just words',
  ])('rejects %j', (value) => {
    expect(parseNameAddr(value)).toBeUndefined();
  });
});

describe('formatNameAddr', () => {
  it.each<[NameAddr, string]>([
    [{ uri: 'sip:x@y', params: {} }, '<sip:x@y>'],
    [{ displayName: 'Bob', uri: 'sip:b@x', params: { tag: '12' } }, '"Bob" <sip:b@x>;tag=12'],
    [{ displayName: 'A "b"', uri: 'sip:x@y;lr', params: { lr: null } }, '"A \\"b\\"" <sip:x@y;lr>;lr'],
    [{ uri: 'sip:x@y', params: { '+sip.instance': '<urn:uuid:1>' } }, '<sip:x@y>;+sip.instance="<urn:uuid:1>"'],
  ])('formats %j', (na, text) => {
    expect(formatNameAddr(na)).toBe(text);
  });

  it('round-trips through parseNameAddr', () => {
    const na: NameAddr = { displayName: 'We\\ird "name", ok', uri: 'sip:u@[::1]:5060;transport=ws', params: { tag: 'abc', expires: '0' } };
    expect(parseNameAddr(formatNameAddr(na))).toEqual(na);
  });
});

describe('parseContacts', () => {
  it('recognises the wildcard', () => {
    expect(parseContacts(['*'])).toEqual({ star: true });
    expect(parseContacts([' * '])).toEqual({ star: true });
  });
  it('parses a list of contacts', () => {
    expect(parseContacts(['<sip:a@x>;expires=60', 'sip:b@y'])).toEqual({
      star: false,
      contacts: [{ uri: 'sip:a@x', params: { expires: '60' } }, { uri: 'sip:b@y', params: {} }],
    });
  });
  it('returns an empty list for no values', () => {
    expect(parseContacts([])).toEqual({ star: false, contacts: [] });
  });
  it.each([[['*', '<sip:a@x>']], [['<sip:a@x>', 'garbage']], [['"x <sip:a@b>']]])('rejects %j', (values) => {
    expect(parseContacts(values)).toBeUndefined();
  });
});
