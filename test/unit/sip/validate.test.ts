import { describe, expect, it } from 'vitest';
import { parseMessage, validateRequest, validateResponse, type SipRequest, type SipResponse } from '../../../sip/index.js';

const BASE: [string, string][] = [
  ['Via', 'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds'],
  ['Max-Forwards', '70'],
  ['To', 'Bob <sip:bob@biloxi.com>'],
  ['From', 'Alice <sip:alice@atlanta.com>;tag=1928301774'],
  ['Call-ID', 'a84b4c76e66710@pc33.atlanta.com'],
  ['CSeq', '314159 INVITE'],
];

function request(change: (h: [string, string][]) => [string, string][] = (h) => h, method = 'INVITE', uri = 'sip:bob@biloxi.com'): SipRequest {
  return { kind: 'request', method, uri, headers: change(BASE.map(([n, v]) => [n, v])).map(([name, value]) => ({ name, value })), body: '' };
}
const without = (name: string) => (h: [string, string][]) => h.filter(([n]) => n !== name);
const replace = (name: string, value: string) => (h: [string, string][]) => h.map(([n, v]) => [n, n === name ? value : v] as [string, string]);

describe('validateRequest (RFC 3261 §8.2, §16.3)', () => {
  it('accepts a complete request', () => {
    expect(validateRequest(request())).toBeUndefined();
  });

  it('accepts Max-Forwards with leading zeros (RFC 4475 §3.1.1.1)', () => {
    expect(validateRequest(request(replace('Max-Forwards', '0068')))).toBeUndefined();
  });

  it('tolerates an absent Max-Forwards', () => {
    expect(validateRequest(request(without('Max-Forwards')))).toBeUndefined();
  });

  it('validates a parsed message with compact headers', () => {
    const r = parseMessage('ACK sip:b@x SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: <sip:a@x>;tag=1\r\nt: <sip:b@x>;tag=2\r\ni: c\r\nCSeq: 1 ACK\r\n\r\n');
    expect(r.ok && r.message.kind === 'request' && validateRequest(r.message)).toBeUndefined();
  });

  it.each<[string, SipRequest, string]>([
    ['a bad Request-URI', request(undefined, 'INVITE', 'bob@biloxi.com'), 'Malformed Request-URI'],
    ['no Via', request(without('Via')), 'Missing Via header'],
    ['a bad Via', request(replace('Via', 'SIP/2.0/UDP')), 'Malformed Via header'],
    ['a bad second Via', request((h) => [...h, ['Via', 'garbage']]), 'Malformed Via header'],
    ['no From', request(without('From')), 'Missing From header'],
    ['a bad From', request(replace('From', '"Alice <sip:alice@atlanta.com>')), 'Malformed From header'],
    ['two From headers', request((h) => [...h, ['From', '<sip:x@y>']]), 'Malformed From header'],
    ['no To', request(without('To')), 'Missing To header'],
    ['a bad To', request(replace('To', 'Bob')), 'Malformed To header'],
    ['no Call-ID', request(without('Call-ID')), 'Missing Call-ID header'],
    ['a Call-ID with spaces', request(replace('Call-ID', 'a b')), 'Malformed Call-ID header'],
    ['an empty Call-ID', request(replace('Call-ID', '')), 'Malformed Call-ID header'],
    ['no CSeq', request(without('CSeq')), 'Missing CSeq header'],
    ['a bad CSeq', request(replace('CSeq', 'INVITE 1')), 'Malformed CSeq header'],
    ['a CSeq above 2**31-1', request(replace('CSeq', '4294967296 INVITE')), 'Malformed CSeq header'],
    ['a CSeq method mismatch', request(replace('CSeq', '1 BYE')), 'CSeq method does not match request method'],
    ['a negative Max-Forwards', request(replace('Max-Forwards', '-1')), 'Malformed Max-Forwards header'],
    ['a Max-Forwards above 255', request(replace('Max-Forwards', '256')), 'Malformed Max-Forwards header'],
    ['a non-numeric Max-Forwards', request(replace('Max-Forwards', 'seventy')), 'Malformed Max-Forwards header'],
  ])('rejects %s', (_label, req, reason) => {
    expect(validateRequest(req)).toBe(reason);
  });
});

describe('validateResponse', () => {
  const response = (headers: [string, string][]): SipResponse => ({
    kind: 'response', status: 200, reason: 'OK', headers: headers.map(([name, value]) => ({ name, value })), body: '',
  });

  it('accepts a response with the mandatory headers', () => {
    expect(validateResponse(response(BASE.filter(([n]) => n !== 'Max-Forwards')))).toBeUndefined();
  });

  it.each([['Via'], ['From'], ['To'], ['Call-ID'], ['CSeq']])('rejects a response without %s', (name) => {
    expect(validateResponse(response(BASE.filter(([n]) => n !== name)))).toBe(`Missing ${name} header`);
  });

  it('rejects an unparseable CSeq', () => {
    expect(validateResponse(response(BASE.map(([n, v]) => [n, n === 'CSeq' ? 'x' : v])))).toBe('Malformed CSeq header');
  });
});
