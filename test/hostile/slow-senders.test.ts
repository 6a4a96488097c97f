import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { tcpClient, udpClient } from '../support/raw-sip-client.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { answers, optionsRequest, statusOf, waitFor } from '../security/f2b-support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw TCP connection from `localAddress`; `closedAfter()` resolves with the ms from `start` to the close by the edge. */
async function rawConnection(port: number, localAddress: string) {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  const start = Date.now();
  let received = '';
  socket.on('data', (d) => (received += d.toString('latin1')));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - start)));
  return { socket, closed, received: () => received, open: () => !socket.destroyed };
}

/** Writes `text` a few bytes at a time, every `everyMs`, until the socket closes or the text is out. */
async function trickle(socket: net.Socket, text: string, everyMs: number, chunk = 3): Promise<void> {
  for (let i = 0; i < text.length && !socket.destroyed; i += chunk) {
    socket.write(text.slice(i, i + chunk));
    await sleep(everyMs);
  }
}

/** A masked client WebSocket frame header (RFC 6455 §5.2) for a text frame of `length` bytes, whose payload will never all come. */
function frameHeader(length: number): Buffer {
  return Buffer.concat([Buffer.from([0x81, 0x80 | 126, length >> 8, length & 255]), randomBytes(4)]);
}

/**
 * Slow senders (slowloris) on every connection-oriented door of the edge:
 * a SIP message that never completes on TCP, a WebSocket frame that never
 * completes, an HTTP upgrade that never completes, a connection that never
 * speaks — each closed after its timeout, while slow-but-honest peers are
 * left alone and everyone else is served. Afterwards no flow and no
 * connection count is left behind.
 */
describe('slow senders', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ env: { PBX_HEADER_TIMEOUT_SECONDS: '1', PBX_HANDSHAKE_TIMEOUT_SECONDS: '1' } });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('TCP: a message trickled byte by byte is cut after the header timeout, however steadily the bytes come', async () => {
    const c = await rawConnection(stack.sipPort, '127.0.0.101');
    void trickle(c.socket, optionsRequest('TCP', '127.0.0.101', 5060), 150);
    const elapsed = await c.closed;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3000);
  });

  it('TCP: a connection that never says anything is closed after the header timeout', async () => {
    const c = await rawConnection(stack.sipPort, '127.0.0.102');
    expect(await c.closed).toBeLessThan(3000);
  });

  it('TCP: slow but complete messages and CRLF keep-alives are not slowloris', async () => {
    const client = await tcpClient('127.0.0.1', stack.sipPort, '127.0.0.103');
    try {
      for (let i = 0; i < 3; i++) {
        expect(statusOf(await answers(client, optionsRequest('TCP', '127.0.0.103', client.localPort)))).toBe(200);
        client.send('\r\n\r\n');
        await sleep(700);
      }
    } finally {
      await client.close();
    }
  });

  it('WebSocket: a frame that never completes is cut after the header timeout; complete messages at a slow pace are not', async () => {
    const upgrade = [
      'GET /ws HTTP/1.1',
      `Host: 127.0.0.1:${stack.httpPort}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Protocol: sip',
      '',
      '',
    ].join('\r\n');
    const c = await rawConnection(stack.httpPort, '127.0.0.104');
    c.socket.write(upgrade);
    await waitFor(async () => c.received().startsWith('HTTP/1.1 101'), 2000, 20);
    const opened = Date.now();
    c.socket.write(frameHeader(500));
    for (let i = 0; i < 20 && c.open(); i++) {
      c.socket.write(randomBytes(1));
      await sleep(150);
    }
    await c.closed;
    expect(Date.now() - opened).toBeLessThan(3000);

    const honest = new WebSocket(`ws://127.0.0.1:${stack.httpPort}/ws`, ['sip'], { localAddress: '127.0.0.105' });
    await new Promise((resolve, reject) => honest.once('open', resolve).once('error', reject));
    let closed = false;
    honest.on('close', () => (closed = true));
    for (let i = 0; i < 3; i++) {
      honest.send('\r\n\r\n');
      await sleep(700);
    }
    expect(closed).toBe(false);
    honest.terminate();
  });

  it('HTTP: an upgrade request trickled line by line is cut after the handshake timeout', async () => {
    const c = await rawConnection(stack.httpPort, '127.0.0.106');
    void trickle(c.socket, `GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nX-Slow: ${'a'.repeat(200)}\r\n`, 100, 4);
    const elapsed = await c.closed;
    expect(elapsed).toBeLessThan(3000);
  });

  it('everyone else is served meanwhile, and nothing is left behind afterwards', async () => {
    const slow = await Promise.all([111, 112, 113, 114].map((n) => rawConnection(stack.sipPort, `127.0.0.${n}`)));
    for (const c of slow) void trickle(c.socket, optionsRequest('TCP', '127.0.0.1', 5060), 200);
    const udp = await udpClient('127.0.0.1', stack.sipPort, '127.0.0.1');
    try {
      expect(statusOf(await answers(udp, optionsRequest('UDP', '127.0.0.1', udp.localPort)))).toBe(200);
      const tcp = await tcpClient('127.0.0.1', stack.sipPort, '127.0.0.1');
      expect(statusOf(await answers(tcp, optionsRequest('TCP', '127.0.0.1', tcp.localPort)))).toBe(200);
      await tcp.close();
    } finally {
      await udp.close();
    }
    await Promise.all(slow.map((c) => c.closed));
    await waitFor(async () => stack.edge.transport.flows.size === 0 && stack.security.gate.openConnections() === 0, 3000, 50);
  });
});
