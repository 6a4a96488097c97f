import { describe, expect, it } from 'vitest';
import {
  createResponse, defaultReason, getHeader, newBranch, newCallId, newTag, parseMessage, parseNameAddr, type SipRequest,
} from '../../../sip/index.js';

const INVITE = [
  'INVITE sip:bob@biloxi.com SIP/2.0',
  'Via: SIP/2.0/UDP proxy.example;branch=z9hG4bK2, SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK1',
  'v: SIP/2.0/TCP first.example;branch=z9hG4bK0',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.com>',
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710',
  'CSeq: 314159 INVITE',
  'Record-Route: <sip:proxy.example;lr>',
  'Timestamp: 54',
  'Contact: <sip:alice@pc33.atlanta.com>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\n',
].join('\r\n');

function invite(): SipRequest {
  const r = parseMessage(INVITE);
  if (!r.ok || r.message.kind !== 'request') throw new Error('fixture must parse');
  return r.message;
}

describe('defaultReason', () => {
  it.each([
    [100, 'Trying'], [180, 'Ringing'], [200, 'OK'], [400, 'Bad Request'], [401, 'Unauthorized'], [403, 'Forbidden'],
    [404, 'Not Found'], [405, 'Method Not Allowed'], [407, 'Proxy Authentication Required'], [408, 'Request Timeout'],
    [413, 'Request Entity Too Large'], [415, 'Unsupported Media Type'], [420, 'Bad Extension'], [421, 'Extension Required'],
    [423, 'Interval Too Brief'], [480, 'Temporarily Unavailable'], [481, 'Call/Transaction Does Not Exist'],
    [482, 'Loop Detected'], [483, 'Too Many Hops'], [484, 'Address Incomplete'], [486, 'Busy Here'],
    [487, 'Request Terminated'], [500, 'Server Internal Error'], [501, 'Not Implemented'], [503, 'Service Unavailable'],
    [603, 'Decline'],
  ])('%i is %s', (status, reason) => {
    expect(defaultReason(status)).toBe(reason);
  });

  it('falls back to the class reason for unknown codes (RFC 3261 §8.1.3.2)', () => {
    expect(defaultReason(499)).toBe('Bad Request');
    expect(defaultReason(299)).toBe('OK');
  });
});

describe('createResponse (RFC 3261 §8.2.6.2)', () => {
  it('copies every Via in order, From, To, Call-ID and CSeq', () => {
    const res = createResponse(invite(), 486, undefined, { toTag: 'xyz' });
    expect(res).toMatchObject({ kind: 'response', status: 486, reason: 'Busy Here', body: '' });
    expect(res.headers).toEqual([
      { name: 'Via', value: 'SIP/2.0/UDP proxy.example;branch=z9hG4bK2, SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK1' },
      { name: 'Via', value: 'SIP/2.0/TCP first.example;branch=z9hG4bK0' },
      { name: 'To', value: 'Bob <sip:bob@biloxi.com>;tag=xyz' },
      { name: 'From', value: 'Alice <sip:alice@atlanta.com>;tag=1928301774' },
      { name: 'Call-ID', value: 'a84b4c76e66710' },
      { name: 'CSeq', value: '314159 INVITE' },
    ]);
  });

  it('does not add a To tag to 100 Trying, and echoes Timestamp (RFC 3261 §8.2.6.1)', () => {
    const res = createResponse(invite(), 100, undefined, { toTag: 'xyz' });
    expect(getHeader(res, 'To')).toBe('Bob <sip:bob@biloxi.com>');
    expect(getHeader(res, 'Timestamp')).toBe('54');
  });

  it('keeps an existing To tag (mid-dialog request)', () => {
    const req = invite();
    const to = req.headers.find((h) => h.name === 'To');
    if (to) to.value = '<sip:bob@biloxi.com>;tag=old';
    const res = createResponse(req, 200, undefined, { toTag: 'new' });
    expect(parseNameAddr(getHeader(res, 'To') ?? '')?.params.tag).toBe('old');
  });

  it('leaves To untouched when no toTag is given', () => {
    expect(getHeader(createResponse(invite(), 404), 'To')).toBe('Bob <sip:bob@biloxi.com>');
  });

  it('appends extra headers and the body, with a custom reason', () => {
    const res = createResponse(invite(), 200, 'Very OK', {
      toTag: 't', headers: [{ name: 'Contact', value: '<sip:bob@192.0.2.4>' }, { name: 'Content-Type', value: 'application/sdp' }], body: 'v=0\r\n',
    });
    expect(res.reason).toBe('Very OK');
    expect(res.headers.slice(-2).map((h) => h.name)).toEqual(['Contact', 'Content-Type']);
    expect(res.body).toBe('v=0\r\n');
    expect(res.headers.some((h) => h.name === 'Record-Route' || h.name === 'Content-Length' || h.name === 'Max-Forwards')).toBe(false);
  });

  it('does not share header objects with the request', () => {
    const req = invite();
    const extra = { name: 'X-A', value: '1' };
    const res = createResponse(req, 200, undefined, { headers: [extra] });
    res.headers[0].value = 'changed';
    res.headers[res.headers.length - 1].value = 'changed';
    expect(req.headers[0].value).not.toBe('changed');
    expect(extra.value).toBe('1');
  });
});

describe('identifiers', () => {
  it('newBranch starts with the magic cookie and is unique', () => {
    const a = newBranch();
    expect(a.startsWith('z9hG4bK')).toBe(true);
    expect(a).not.toBe(newBranch());
  });
  it('newTag and newCallId are unique tokens with at least 32 random bits', () => {
    const tags = new Set(Array.from({ length: 100 }, newTag));
    expect(tags.size).toBe(100);
    expect(newTag()).toMatch(/^[0-9a-f]{8,}$/);
    expect(newCallId()).toMatch(/^[0-9a-f]{16,}$/);
    expect(newCallId()).not.toBe(newCallId());
  });
});
