import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpClient, udpClient, type RawSipClient } from '../support/raw-sip-client.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { answers, optionsRequest, statusOf, wsFrom } from '../security/f2b-support.js';

type Outcome = { answer: number; reason?: RegExp } | 'drop' | 'close';

/** A fresh OPTIONS (new branch, new Call-ID) with `edit` applied to its text. */
function options(transport: 'UDP' | 'TCP' | 'WS', port: number, edit: (text: string) => string | Buffer = (t) => t): string | Buffer {
  return edit(optionsRequest(transport, '127.0.0.1', port, `hostile-${randomBytes(4).toString('hex')}`));
}
const addHeaders = (extra: string) => (text: string) => text.replace('Content-Length: 0', `${extra}\r\nContent-Length: 0`);
const params = (n: number) => Array.from({ length: n }, (_, i) => `;p${i}=v`).join('');
const invalidUtf8 = (text: string) => {
  const [before, after] = text.split('probe@');
  return Buffer.concat([Buffer.from(`${before}`), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(`probe@${after}`)]);
};

/**
 * Hostile input, case by case, each with its clear outcome: a 400 naming the
 * problem when the request can be answered, a silent drop when it cannot be
 * parsed far enough to route an answer (UDP), a closed connection when a
 * stream can no longer be framed (TCP/WebSocket) — and in every case the
 * edge goes on serving.
 */
describe('hostile input', () => {
  let stack: TestStack;
  let udp: RawSipClient;

  beforeAll(async () => {
    stack = await startTestStack({ env: { PBX_PIKE_REQUESTS: '0' } });
    udp = await udpClient('127.0.0.1', stack.sipPort, '127.0.0.1');
  });
  afterAll(async () => {
    await udp?.close();
    await stack?.dispose();
  });

  const udpCases: Array<[string, (port: number) => string | Buffer, Outcome]> = [
    ['a message cut inside its start line', () => 'OPTIONS sip:127.0.0.1 SI', 'drop'],
    ['a message cut before its To header', (p) => options('UDP', p, (t) => t.slice(0, t.indexOf('To:'))), { answer: 400, reason: /Missing To/ }],
    ['binary garbage', () => randomBytes(300), 'drop'],
    ['invalid UTF-8 in a header value', (p) => options('UDP', p, invalidUtf8), { answer: 200 }],
    ['an absurd Content-Length', (p) => options('UDP', p, (t) => t.replace('Content-Length: 0', 'Content-Length: 99999999999999999999')), { answer: 400, reason: /Content-Length/ }],
    ['a negative Content-Length', (p) => options('UDP', p, (t) => t.replace('Content-Length: 0', 'Content-Length: -5')), { answer: 400, reason: /Content-Length/ }],
    ['a non-numeric CSeq', (p) => options('UDP', p, (t) => t.replace('CSeq: 1 OPTIONS', 'CSeq: ÿ OPTIONS')), { answer: 400, reason: /CSeq/ }],
    ['thousands of headers', (p) => options('UDP', p, addHeaders(Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`).join('\r\n'))), 'drop'],
    ['a 20 kB header line', (p) => options('UDP', p, addHeaders(`X-Long: ${'a'.repeat(20_000)}`)), 'drop'],
    ['a Request-URI with 600 parameters', (p) => options('UDP', p, (t) => t.replace('OPTIONS sip:127.0.0.1', `OPTIONS sip:127.0.0.1${params(600)}`)), { answer: 200 }],
    ['a To header with 700 parameters', (p) => options('UDP', p, (t) => t.replace('To: <sip:127.0.0.1>', `To: <sip:127.0.0.1>${params(700)}`)), { answer: 200 }],
    ['3000 unbalanced angle brackets in From', (p) => options('UDP', p, (t) => t.replace('From: <sip:probe@127.0.0.1>', `From: "${'<'.repeat(3000)}" <sip:probe@127.0.0.1>`)), { answer: 200 }],
    ['a 60 kB body (the most a datagram holds)', (p) => options('UDP', p, (t) => t.replace('Content-Length: 0\r\n\r\n', `Content-Length: 60000\r\n\r\n${'b'.repeat(60_000)}`)), { answer: 200 }],
  ];

  it.each(udpCases)('UDP: %s', async (_name, message, outcome) => {
    const res = await answers(udp, message(udp.localPort), outcome === 'drop' ? 400 : 1500);
    if (outcome === 'drop') expect(res).toBeUndefined();
    else if (outcome !== 'close') {
      expect(res?.status).toBe(outcome.answer);
      if (outcome.reason) expect(res?.reason).toMatch(outcome.reason);
    }
    expect(statusOf(await answers(udp, options('UDP', udp.localPort) as string))).toBe(200);
  });

  const tcpCases: Array<[string, (port: number) => string | Buffer]> = [
    ['a negative Content-Length', (p) => options('TCP', p, (t) => t.replace('Content-Length: 0', 'Content-Length: -5'))],
    ['no Content-Length (RFC 3261 §18.3: mandatory on streams)', (p) => options('TCP', p, (t) => t.replace('Content-Length: 0\r\n', ''))],
    ['an absurd Content-Length', (p) => options('TCP', p, (t) => t.replace('Content-Length: 0', 'Content-Length: 999999999'))],
    ['thousands of headers', (p) => options('TCP', p, addHeaders(Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`).join('\r\n')))],
    ['a 20 kB line', (p) => options('TCP', p, addHeaders(`X-Long: ${'a'.repeat(20_000)}`))],
    ['binary garbage between messages', () => Buffer.from([0x0d, 0x00, 0xff, 0x13, 0x37])],
  ];

  it.each(tcpCases)('TCP: %s closes the connection; a new one is served', async (_name, message) => {
    const client = await tcpClient('127.0.0.1', stack.sipPort, '127.0.0.1');
    client.send(message(client.localPort));
    await client.closed;
    const next = await tcpClient('127.0.0.1', stack.sipPort, '127.0.0.1');
    try {
      expect(statusOf(await answers(next, options('TCP', next.localPort) as string))).toBe(200);
    } finally {
      await next.close();
    }
  });

  it('WebSocket: garbage is dropped and the connection keeps serving; a message over 64 kB closes it', async () => {
    const url = `ws://127.0.0.1:${stack.httpPort}/ws`;
    const ws = await wsFrom(url, '127.0.0.1');
    try {
      expect(await answers(ws, randomBytes(200).toString('latin1'), 400)).toBeUndefined();
      expect(statusOf(await answers(ws, options('WS', 0) as string))).toBe(200);
      ws.send(options('WS', 0, (t) => t.replace('Content-Length: 0\r\n\r\n', `Content-Length: 70000\r\n\r\n${'b'.repeat(70_000)}`)));
      await ws.closed;
    } finally {
      await ws.close();
    }
    const again = await wsFrom(url, '127.0.0.1');
    try {
      expect(statusOf(await answers(again, options('WS', 0) as string))).toBe(200);
    } finally {
      await again.close();
    }
  });
});
