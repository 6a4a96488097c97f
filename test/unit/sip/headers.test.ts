import { describe, expect, it } from 'vitest';
import {
  addHeader, getHeader, getHeaders, hasHeader, removeFirstValue, removeHeader, setHeader, type SipRequest,
} from '../../../sip/index.js';

function req(headers: [string, string][]): SipRequest {
  return { kind: 'request', method: 'OPTIONS', uri: 'sip:a@b', headers: headers.map(([name, value]) => ({ name, value })), body: '' };
}

describe('getHeaders', () => {
  it('splits list headers on top-level commas across several lines', () => {
    const m = req([['Via', 'SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/TCP b'], ['Max-Forwards', '70'], ['Via', 'SIP/2.0/UDP c']]);
    expect(getHeaders(m, 'via')).toEqual(['SIP/2.0/UDP a;branch=z9hG4bK1', 'SIP/2.0/TCP b', 'SIP/2.0/UDP c']);
  });

  it('keeps commas inside quotes and angle brackets', () => {
    const m = req([['Contact', '"Doe, John" <sip:j@x;a=b,c>;q=0.5, <sip:k@y>;expires="Thu, 01 Dec"']]);
    expect(getHeaders(m, 'm')).toEqual(['"Doe, John" <sip:j@x;a=b,c>;q=0.5', '<sip:k@y>;expires="Thu, 01 Dec"']);
  });

  it('keeps escaped quotes inside quoted strings while splitting', () => {
    const m = req([['Contact', '"a \\", b" <sip:a@b>, <sip:c@d>']]);
    expect(getHeaders(m, 'Contact')).toEqual(['"a \\", b" <sip:a@b>', '<sip:c@d>']);
  });

  it('does not split non-list headers such as WWW-Authenticate or Date', () => {
    const m = req([['WWW-Authenticate', 'Digest realm="a", nonce="b"'], ['Date', 'Sat, 13 Nov 2010 23:29:00 GMT']]);
    expect(getHeaders(m, 'WWW-Authenticate')).toEqual(['Digest realm="a", nonce="b"']);
    expect(getHeader(m, 'date')).toBe('Sat, 13 Nov 2010 23:29:00 GMT');
  });

  it('drops empty list elements', () => {
    expect(getHeaders(req([['Allow', 'INVITE,, ACK ,']]), 'Allow')).toEqual(['INVITE', 'ACK']);
  });

  it('returns [] for an absent header', () => {
    expect(getHeaders(req([]), 'Via')).toEqual([]);
  });
});

describe('getHeader / hasHeader', () => {
  it('returns the topmost element of a list header', () => {
    expect(getHeader(req([['Via', 'SIP/2.0/UDP a, SIP/2.0/UDP b']]), 'v')).toBe('SIP/2.0/UDP a');
  });
  it('matches compact names against long names and vice versa', () => {
    const m = req([['Call-ID', 'abc'], ['x-Foo', 'bar']]);
    expect(getHeader(m, 'i')).toBe('abc');
    expect(getHeader(m, 'X-FOO')).toBe('bar');
    expect(hasHeader(m, 'call-id')).toBe(true);
    expect(hasHeader(m, 'To')).toBe(false);
    expect(getHeader(m, 'To')).toBeUndefined();
  });
});

describe('header mutation', () => {
  it('setHeader replaces every line at the position of the first', () => {
    const m = req([['A-1', '1'], ['Route', '<sip:r1>'], ['B', '2'], ['route', '<sip:r2>']]);
    setHeader(m, 'Route', '<sip:new>');
    expect(m.headers).toEqual([{ name: 'A-1', value: '1' }, { name: 'Route', value: '<sip:new>' }, { name: 'B', value: '2' }]);
  });

  it('setHeader appends a missing header with its canonical name', () => {
    const m = req([['Via', 'x']]);
    setHeader(m, 'max-forwards', '69');
    expect(m.headers.at(-1)).toEqual({ name: 'Max-Forwards', value: '69' });
  });

  it('addHeader with prepend goes before the first line of that name', () => {
    const m = req([['From', 'f'], ['Via', 'SIP/2.0/UDP b'], ['To', 't']]);
    addHeader(m, 'v', 'SIP/2.0/UDP a', { prepend: true });
    expect(m.headers.map((h) => h.value)).toEqual(['f', 'SIP/2.0/UDP a', 'SIP/2.0/UDP b', 't']);
    expect(m.headers[1].name).toBe('Via');
  });

  it('addHeader with prepend and no such header goes to the top', () => {
    const m = req([['From', 'f']]);
    addHeader(m, 'Record-Route', '<sip:p;lr>', { prepend: true });
    expect(m.headers[0]).toEqual({ name: 'Record-Route', value: '<sip:p;lr>' });
  });

  it('addHeader without prepend appends', () => {
    const m = req([['From', 'f']]);
    addHeader(m, 'X-A', '1');
    expect(m.headers.at(-1)).toEqual({ name: 'X-A', value: '1' });
  });

  it('removeHeader removes every line of that name including compact ones', () => {
    const m = req([['Via', 'a'], ['v', 'b'], ['To', 't']]);
    removeHeader(m, 'VIA');
    expect(m.headers).toEqual([{ name: 'To', value: 't' }]);
  });

  it('removeFirstValue pops the topmost element and keeps the rest of the line', () => {
    const m = req([['Via', 'SIP/2.0/UDP a, SIP/2.0/UDP b'], ['Via', 'SIP/2.0/UDP c']]);
    expect(removeFirstValue(m, 'Via')).toBe('SIP/2.0/UDP a');
    expect(getHeaders(m, 'Via')).toEqual(['SIP/2.0/UDP b', 'SIP/2.0/UDP c']);
    expect(removeFirstValue(m, 'Via')).toBe('SIP/2.0/UDP b');
    expect(m.headers).toEqual([{ name: 'Via', value: 'SIP/2.0/UDP c' }]);
    expect(removeFirstValue(m, 'Via')).toBe('SIP/2.0/UDP c');
    expect(m.headers).toEqual([]);
    expect(removeFirstValue(m, 'Via')).toBeUndefined();
  });

  it('removeFirstValue keeps quoted commas of Route values intact', () => {
    const m = req([['Route', '"x, y" <sip:p1;lr>, <sip:p2;lr>']]);
    expect(removeFirstValue(m, 'Route')).toBe('"x, y" <sip:p1;lr>');
    expect(getHeaders(m, 'Route')).toEqual(['<sip:p2;lr>']);
  });
});
