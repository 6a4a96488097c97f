import { describe, expect, it } from 'vitest';
import { parseMessage, serializeMessage, type SipMessage } from '../../../sip/index.js';

describe('serializeMessage', () => {
  it('writes a request with CRLFs and a computed Content-Length at the end', () => {
    const msg: SipMessage = { kind: 'request', method: 'MESSAGE', uri: 'sip:a@b', headers: [{ name: 'Call-ID', value: 'x' }], body: 'hé' };
    expect(serializeMessage(msg)).toBe('MESSAGE sip:a@b SIP/2.0\r\nCall-ID: x\r\nContent-Length: 3\r\n\r\nhé');
  });

  it('replaces a stale Content-Length in place and drops duplicates', () => {
    const msg: SipMessage = {
      kind: 'response', status: 200, reason: 'OK',
      headers: [{ name: 'Via', value: 'v' }, { name: 'Content-Length', value: '999' }, { name: 'To', value: 't' }, { name: 'l', value: '5' }],
      body: '',
    };
    expect(serializeMessage(msg)).toBe('SIP/2.0 200 OK\r\nVia: v\r\nContent-Length: 0\r\nTo: t\r\n\r\n');
  });

  it('keeps header order and names as stored', () => {
    const msg: SipMessage = { kind: 'request', method: 'X', uri: 'sip:a', headers: [{ name: 'x-B', value: '1' }, { name: 'A', value: '2' }], body: '' };
    expect(serializeMessage(msg).split('\r\n').slice(1, 3)).toEqual(['x-B: 1', 'A: 2']);
  });

  it('neutralises line breaks inside values so data cannot inject headers', () => {
    const msg: SipMessage = { kind: 'request', method: 'X', uri: 'sip:a', headers: [{ name: 'Subject', value: 'a\r\nVia: evil' }], body: '' };
    const r = parseMessage(serializeMessage(msg));
    expect(r.ok && r.message.headers.filter((h) => h.name === 'Via')).toEqual([]);
  });

  it('round-trips a parsed message', () => {
    const wire = 'SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:b@x>;tag=2\r\nContent-Length: 4\r\n\r\nbody';
    const r = parseMessage(wire);
    expect(r.ok && serializeMessage(r.message)).toBe(wire);
  });
});
