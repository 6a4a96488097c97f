import { describe, expect, it } from 'vitest';
import { createNon2xxAck } from '../../../edge/src/transaction/index.js';
import { makeRequest, respond } from './harness.js';

describe('createNon2xxAck (RFC 3261 §17.1.1.3)', () => {
  it('builds the hop-by-hop ACK from the INVITE and the response To', () => {
    const invite = makeRequest({
      method: 'INVITE',
      uri: 'sip:bob@198.51.100.20',
      branch: 'z9hG4bK-top',
      lowerVias: ['SIP/2.0/TCP 192.0.2.99;branch=z9hG4bK-lower'],
      routes: ['<sip:edge.example.com;lr>'],
      cseq: 42,
    });
    const ack = createNon2xxAck(invite, respond(invite, 486, 'busy-tag'));
    expect(ack).toEqual({
      kind: 'request',
      method: 'ACK',
      uri: 'sip:bob@198.51.100.20',
      headers: [
        { name: 'Via', value: 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-top' },
        { name: 'Route', value: '<sip:edge.example.com;lr>' },
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: '"Alice" <sip:alice@example.com>;tag=from-1' },
        { name: 'To', value: '<sip:bob@example.com>;tag=busy-tag' },
        { name: 'Call-ID', value: 'call-1@example.com' },
        { name: 'CSeq', value: '42 ACK' },
      ],
      body: '',
    });
  });
});
