import { describe, expect, it } from 'vitest';
import { failToBanOutcome } from '../../../functions/src/fail-to-ban/failure-outcome.js';
import { parseMessage, type SipRequest } from '../../../sip/index.js';

function request(authorization?: string, header = 'Authorization'): SipRequest {
  const text = [
    'REGISTER sip:acme.test SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1',
    'From: <sip:1001@acme.test>;tag=1',
    'To: <sip:1001@acme.test>',
    'Call-ID: c1',
    'CSeq: 2 REGISTER',
    ...(authorization ? [`${header}: ${authorization}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(text);
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('bad fixture');
  return parsed.message;
}

const creds = (realm: string) => `Digest username="1001", realm="${realm}", nonce="n", uri="sip:acme.test", response="00"`;

describe('failToBanOutcome: what counts as a failed authentication', () => {
  it('credentials for a realm we did not offer are a failure, although the UA is only challenged again', () => {
    expect(failToBanOutcome('challenge', request(creds('other.example')), 'acme.test')).toBe('failed');
  });

  it.each([
    ['no credentials at all (first contact)', request(), 'challenge'],
    ['credentials for our realm with a nonce we did not issue', request(creds('acme.test')), 'challenge'],
    ['a non-Digest scheme', request('Basic dXNlcjpwYXNz'), 'challenge'],
  ] as const)('%s is not a failure', (_name, req, expected) => {
    expect(failToBanOutcome('challenge', req, 'acme.test')).toBe(expected);
  });

  it('looks at Proxy-Authorization for proxy challenges (INVITE, MESSAGE)', () => {
    expect(failToBanOutcome('challenge', request(creds('other.example'), 'Proxy-Authorization'), 'acme.test', 'Proxy-Authorization')).toBe('failed');
    expect(failToBanOutcome('challenge', request(creds('other.example'), 'Proxy-Authorization'), 'acme.test')).toBe('challenge');
  });

  it('keeps every other outcome as it is (stale is never a failure)', () => {
    for (const outcome of ['ok', 'stale', 'failed'] as const) expect(failToBanOutcome(outcome, request(creds('x')), 'acme.test')).toBe(outcome);
  });
});
