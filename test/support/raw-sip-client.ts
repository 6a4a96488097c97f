import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { WebSocket } from 'ws';
import { parseMessage, StreamFramer } from '../../sip/index.js';
import type { SipMessage, SipResponse } from '../../sip/message.js';

/**
 * A bare SIP client over a real socket, for tests that need exact control of
 * the bytes (hostile input, keep-alives, abrupt closes). It speaks through the
 * same wire the phones use; only the messages are hand-written.
 */
export interface RawSipClient {
  readonly localPort: number;
  send(data: string | Buffer): void;
  /** Next SIP message received (or rejects after timeoutMs). */
  next(timeoutMs?: number): Promise<SipMessage>;
  /** Raw bytes received that were not SIP messages (e.g. a CRLF pong). */
  readonly raw: Buffer[];
  close(): Promise<void>;
  readonly closed: Promise<void>;
}

class Inbox {
  private readonly queue: SipMessage[] = [];
  private readonly waiters: Array<(m: SipMessage) => void> = [];
  readonly raw: Buffer[] = [];

  push(data: Buffer): void {
    const parsed = parseMessage(data);
    if (!parsed.ok) {
      this.raw.push(data);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter(parsed.message);
    else this.queue.push(parsed.message);
  }

  next(timeoutMs = 3000): Promise<SipMessage> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(done);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no SIP message within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (m: SipMessage) => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push(done);
    });
  }
}

export async function udpClient(host: string, port: number, localAddress = '127.0.0.1'): Promise<RawSipClient> {
  const socket = dgram.createSocket('udp4');
  const inbox = new Inbox();
  socket.on('message', (data) => inbox.push(data));
  await new Promise<void>((resolve) => socket.bind(0, localAddress, resolve));
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  socket.on('close', () => resolveClosed());
  return {
    localPort: socket.address().port,
    send: (data) => socket.send(typeof data === 'string' ? Buffer.from(data) : data, port, host),
    next: (t) => inbox.next(t),
    raw: inbox.raw,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
    closed,
  };
}

export async function tcpClient(host: string, port: number, localAddress = '127.0.0.1', tlsOptions?: { ca: Buffer; servername: string }): Promise<RawSipClient> {
  const socket = tlsOptions ? tls.connect({ host, port, ...tlsOptions }) : net.connect({ host, port, localAddress });
  await new Promise<void>((resolve, reject) => {
    socket.once(tlsOptions ? 'secureConnect' : 'connect', resolve);
    socket.once('error', reject);
  });
  const inbox = new Inbox();
  const framer = new StreamFramer();
  socket.on('data', (chunk: Buffer) => {
    for (const event of framer.push(chunk)) {
      if (event.type === 'message') inbox.push(event.data);
    }
    if (/^(\r\n)+$/.test(chunk.toString('latin1'))) inbox.raw.push(chunk);
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return {
    localPort: socket.localPort!,
    send: (data) => socket.write(data),
    next: (t) => inbox.next(t),
    raw: inbox.raw,
    close: async () => {
      socket.destroy();
      await closed;
    },
    closed,
  };
}

export async function wsClient(url: string, protocols: string[] = ['sip'], options: { ca?: Buffer } = {}): Promise<RawSipClient> {
  const socket = new WebSocket(url, protocols, options.ca ? { ca: options.ca } : {});
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  const inbox = new Inbox();
  socket.on('message', (data: Buffer) => inbox.push(Buffer.from(data)));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return {
    localPort: (socket as unknown as { _socket: net.Socket })._socket.localPort!,
    send: (data) => socket.send(data),
    next: (t) => inbox.next(t),
    raw: inbox.raw,
    close: async () => {
      socket.terminate();
      await closed;
    },
    closed,
  };
}

export function asResponse(message: SipMessage): SipResponse {
  if (message.kind !== 'response') throw new Error(`expected a response, got ${message.method}`);
  return message;
}
