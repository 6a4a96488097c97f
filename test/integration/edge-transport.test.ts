import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHeader, getHeaders, parseVia } from '../../sip/index.js';
import { asResponse, tcpClient, udpClient } from '../support/raw-sip-client.js';
import { answerChallenge, registerRequest } from '../support/register-request.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

function options(transport: 'UDP' | 'TCP', port: number, callId: string, extra = ''): string {
  return [
    'OPTIONS sip:127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/${transport} 127.0.0.1:${port};branch=z9hG4bK-${callId};rport`,
    'Max-Forwards: 70',
    'From: <sip:probe@example.test>;tag=probe',
    'To: <sip:127.0.0.1>',
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    ...(extra ? [extra] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** The edge's transport behaviour, seen from a peer's socket. */
describe('edge transports', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('answers OPTIONS over UDP with 200 and fills received/rport in the Via (RFC 3581)', async () => {
    const client = await udpClient('127.0.0.1', stack.sipPort);
    try {
      // The Via claims port 9; the response must still come back to the real source port.
      client.send(options('UDP', 9, 'opt-udp-1'));
      const res = asResponse(await client.next());
      expect(res.status).toBe(200);
      expect(getHeaders(res, 'Allow')).toContain('REGISTER');
      const via = parseVia(getHeaders(res, 'Via')[0]!)!;
      expect(via.params.rport).toBe(String(client.localPort));
      expect(via.params.received).toBe('127.0.0.1');
    } finally {
      await client.close();
    }
  });

  it('answers a malformed request with 400 naming the problem, and keeps serving', async () => {
    const client = await udpClient('127.0.0.1', stack.sipPort);
    try {
      client.send(options('UDP', client.localPort, 'bad-cseq').replace('CSeq: 1 OPTIONS', 'CSeq: banana OPTIONS'));
      const res = asResponse(await client.next());
      expect(res.status).toBe(400);
      expect(res.reason).toMatch(/CSeq/i);
      client.send(Buffer.from([0xff, 0x00, 0x13, 0x37, 0xfe, 0x0d, 0x0a]));
      client.send(options('UDP', client.localPort, 'after-garbage'));
      const ok = asResponse(await client.next());
      expect(ok.status).toBe(200);
      expect(getHeader(ok, 'Call-ID')).toBe('after-garbage');
    } finally {
      await client.close();
    }
  });

  it('frames TCP by Content-Length: two messages in one write, one message across writes', async () => {
    const client = await tcpClient('127.0.0.1', stack.sipPort);
    try {
      client.send(options('TCP', client.localPort, 'tcp-a') + options('TCP', client.localPort, 'tcp-b'));
      const ids = [getHeader(await client.next(), 'Call-ID'), getHeader(await client.next(), 'Call-ID')];
      expect(ids.sort()).toEqual(['tcp-a', 'tcp-b']);
      const split = options('TCP', client.localPort, 'tcp-split');
      client.send(split.slice(0, 37));
      await new Promise((r) => setTimeout(r, 50));
      client.send(split.slice(37));
      expect(getHeader(await client.next(), 'Call-ID')).toBe('tcp-split');
    } finally {
      await client.close();
    }
  });

  it('answers a CRLFCRLF keep-alive ping on TCP with a CRLF pong (RFC 5626 §3.5.1)', async () => {
    const client = await tcpClient('127.0.0.1', stack.sipPort);
    try {
      client.send('\r\n\r\n');
      await expect.poll(() => Buffer.concat(client.raw).toString(), { timeout: 2000 }).toBe('\r\n');
    } finally {
      await client.close();
    }
  });

  it('refuses registrations shorter than the minimum with 423 and Min-Expires', async () => {
    const client = await udpClient('127.0.0.1', stack.sipPort);
    try {
      const base = { transport: 'UDP' as const, localHost: '127.0.0.1', localPort: client.localPort, user: '1001', domain: 'acme.test', callId: 'short-1' };
      const contact = `<sip:1001@127.0.0.1:${client.localPort}>`;
      client.send(registerRequest({ ...base, cseq: 1, contact, expires: 5 }));
      const challenge = asResponse(await client.next());
      client.send(registerRequest({
        ...base, cseq: 2, contact, expires: 5,
        authorization: answerChallenge(challenge, { user: '1001', password: 's3cret-1001', uri: 'sip:acme.test' }),
      }));
      const res = asResponse(await client.next());
      expect(res.status).toBe(423);
      expect(getHeader(res, 'Min-Expires')).toBe('60');
    } finally {
      await client.close();
    }
  });

  it('accepts SHA-256 digest credentials (RFC 8760) and an Authorization uri that differs from the Request-URI', async () => {
    const client = await udpClient('127.0.0.1', stack.sipPort);
    try {
      const base = { transport: 'UDP' as const, localHost: '127.0.0.1', localPort: client.localPort, user: '1001', domain: 'acme.test', callId: 'sha-1' };
      const contact = `<sip:1001@127.0.0.1:${client.localPort}>`;
      client.send(registerRequest({ ...base, cseq: 1, contact, expires: 300 }));
      const challenge = asResponse(await client.next());
      const algorithms = getHeaders(challenge, 'WWW-Authenticate').map((h) => /algorithm=([\w-]+)/.exec(h)?.[1]);
      expect(algorithms).toEqual(['MD5', 'SHA-256']);
      client.send(registerRequest({
        ...base, cseq: 2, contact, expires: 300,
        authorization: answerChallenge(challenge, { user: '1001', password: 's3cret-1001', uri: `sip:127.0.0.1:${stack.sipPort}`, algorithm: 'SHA-256' }),
      }));
      const res = asResponse(await client.next());
      expect(res.status).toBe(200);
      expect(getHeader(res, 'Contact')).toMatch(/expires=(29\d|300)/);
    } finally {
      await client.close();
    }
  });

  it('reports healthy on /healthz', async () => {
    const res = await fetch(`http://127.0.0.1:${stack.httpPort}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});
