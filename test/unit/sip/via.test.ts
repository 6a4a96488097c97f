import { describe, expect, it } from 'vitest';
import { BRANCH_MAGIC_COOKIE, formatVia, parseVia, type Via } from '../../../sip/index.js';

describe('parseVia', () => {
  it.each<[string, Via]>([
    ['SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds', { protocol: 'SIP/2.0', transport: 'UDP', host: 'pc33.atlanta.com', params: { branch: 'z9hG4bK776asdhds' } }],
    ['SIP/2.0/tcp 192.0.2.1:5060;received=192.0.2.207;rport=5061;branch=z9hG4bKa', { protocol: 'SIP/2.0', transport: 'TCP', host: '192.0.2.1', port: 5060, params: { received: '192.0.2.207', rport: '5061', branch: 'z9hG4bKa' } }],
    ['SIP / 2.0 / UDP   first.example.com: 4000;ttl=16 ;maddr=224.2.0.1 ;branch=z9hG4bKa7c6a8dlze.1', { protocol: 'SIP/2.0', transport: 'UDP', host: 'first.example.com', port: 4000, params: { ttl: '16', maddr: '224.2.0.1', branch: 'z9hG4bKa7c6a8dlze.1' } }],
    ['SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKas3;rport', { protocol: 'SIP/2.0', transport: 'UDP', host: '[2001:db8::9:1]', port: 5060, params: { branch: 'z9hG4bKas3', rport: null } }],
    ['SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3', { protocol: 'SIP/2.0', transport: 'UDP', host: '[2001:db8::9:1]', params: { received: '2001:db8::9:255', branch: 'z9hG4bKas3' } }],
    ['SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKasudf', { protocol: 'SIP/2.0', transport: 'WSS', host: 'df7jal23ls0d.invalid', params: { branch: 'z9hG4bKasudf' } }],
    ['sip/2.0/sctp h.example', { protocol: 'SIP/2.0', transport: 'SCTP', host: 'h.example', params: {} }],
    ['SIP/2.0/UDP h.example;branch="z9hG4bKquoted"', { protocol: 'SIP/2.0', transport: 'UDP', host: 'h.example', params: { branch: 'z9hG4bKquoted' } }],
  ])('parses %s', (value, expected) => {
    expect(parseVia(value)).toEqual(expected);
  });

  it.each([
    '',
    'SIP/2.0/UDP',                         // no sent-by
    'SIP/2.0 UDP host',                    // missing slash
    'SIP/3.0/UDP host',                    // wrong version
    'HTTP/2.0/UDP host',                   // wrong protocol
    'SIP/2.0/UDP host:99999',              // port out of range
    'SIP/2.0/UDP host:',                   // empty port
    'SIP/2.0/UDP 2001:db8::1',             // IPv6 without brackets
    'SIP/2.0/UDP [2001:db8::1',            // unterminated reference
    'SIP/2.0/UDP host garbage',            // trailing junk
    'SIP/2.0/UDP host;branch="unterminated',
    'SIP/2.0/UDP host;ttl=999',
    'SIP/2.0/UDP ho st;branch=z9hG4bK1',
  ])('rejects %j', (value) => {
    expect(parseVia(value)).toBeUndefined();
  });
});

describe('formatVia', () => {
  it.each([
    'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
    'SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bK1;rport;received=2001:db8::2',
    'SIP/2.0/WSS client.invalid;branch=z9hG4bKx',
  ])('round-trips %s', (text) => {
    expect(formatVia(parseVia(text) as Via)).toBe(text);
  });

  it('exports the RFC 3261 branch magic cookie', () => {
    expect(BRANCH_MAGIC_COOKIE).toBe('z9hG4bK');
  });
});
