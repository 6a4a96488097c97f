/**
 * Sends corrupted real messages (sip-mutator.ts) to a running edge over UDP
 * and TCP in batches, and after every batch checks that the edge still
 * answers a valid OPTIONS — from another address, so that nothing the fuzzer
 * provoked (a throttle, a ban) is mistaken for a crash. Used by the CI test
 * (test/hostile/mutation-fuzz.test.ts) and the bigger documented run
 * (scripts/fuzz-edge.ts).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { parseMessage } from '../../sip/index.js';
import { mutate, prng, seedMessages } from './sip-mutator.js';

export interface FuzzOptions {
  host: string;
  port: number;
  /** Source address of the corrupted messages. */
  fuzzFrom: string;
  /** Source address of the OPTIONS that checks the edge after each batch. */
  checkFrom: string;
  batches: number;
  /** Corrupted datagrams per batch. */
  udpPerBatch: number;
  /** TCP connections per batch, each carrying a few corrupted messages. */
  tcpPerBatch: number;
  seed: number;
  /** Called after every batch (progress, memory samples). */
  onBatch?: (batch: number, stats: FuzzStats) => void | Promise<void>;
}

export interface FuzzStats {
  sent: number;
  udpAnswers: number;
  tcpConnections: number;
  batches: number;
  /** Batches after which the check OPTIONS got no 200. */
  failedChecks: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function options(host: string, port: number, transport: 'UDP' | 'TCP'): string {
  const id = randomBytes(6).toString('hex');
  return `OPTIONS sip:${host} SIP/2.0\r\nVia: SIP/2.0/${transport} ${host}:${port};branch=z9hG4bK-check-${id};rport\r\nMax-Forwards: 70\r\nFrom: <sip:check@${host}>;tag=${id}\r\nTo: <sip:${host}>\r\nCall-ID: check-${id}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
}

/** A valid OPTIONS over UDP answered 200 (two tries: a datagram may be lost under load). */
async function udpCheck(o: FuzzOptions): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, o.checkFrom, resolve));
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      const answered = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 2000);
        socket.on('message', (data) => {
          const parsed = parseMessage(data);
          if (parsed.ok && parsed.message.kind === 'response' && parsed.message.status === 200) {
            clearTimeout(timer);
            resolve(true);
          }
        });
      });
      socket.send(options(o.checkFrom, socket.address().port, 'UDP'), o.port, o.host);
      if (await answered) return true;
    }
    return false;
  } finally {
    socket.close();
  }
}

/** A valid OPTIONS over a new TCP connection answered 200. */
async function tcpCheck(o: FuzzOptions): Promise<boolean> {
  const socket = net.connect({ host: o.host, port: o.port, localAddress: o.checkFrom });
  socket.on('error', () => undefined);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 3000);
      let received = '';
      socket.once('connect', () => socket.write(options(o.checkFrom, socket.localPort!, 'TCP')));
      socket.on('data', (d) => {
        received += d.toString('latin1');
        if (received.startsWith('SIP/2.0 200')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      socket.once('close', () => resolve(false));
    });
  } finally {
    socket.destroy();
  }
}

async function tcpBatch(o: FuzzOptions, next: () => Buffer, connections: number): Promise<number> {
  let sent = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const socket = net.connect({ host: o.host, port: o.port, localAddress: o.fuzzFrom });
      socket.on('error', () => undefined);
      socket.on('data', () => undefined);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      await new Promise<void>((resolve) => {
        socket.once('connect', () => resolve());
        socket.once('error', () => resolve());
      });
      for (let i = 0; i < 5 && !socket.destroyed; i++) {
        socket.write(next());
        sent++;
      }
      await Promise.race([closed, sleep(150)]);
      socket.destroy();
      await closed;
    }),
  );
  return sent;
}

export async function fuzzEdge(o: FuzzOptions): Promise<FuzzStats> {
  const seeds = seedMessages();
  const rnd = prng(o.seed);
  const next = () => mutate(seeds, rnd);
  const stats: FuzzStats = { sent: 0, udpAnswers: 0, tcpConnections: 0, batches: 0, failedChecks: [] };
  const udp = dgram.createSocket('udp4');
  udp.on('message', () => stats.udpAnswers++);
  udp.on('error', () => undefined);
  await new Promise<void>((resolve) => udp.bind(0, o.fuzzFrom, resolve));
  try {
    for (let batch = 1; batch <= o.batches; batch++) {
      for (let i = 0; i < o.udpPerBatch; i++) {
        udp.send(next(), o.port, o.host);
        stats.sent++;
        if (i % 50 === 49) await sleep(5); // let the loopback socket buffers drain
      }
      stats.sent += await tcpBatch(o, next, o.tcpPerBatch);
      stats.tcpConnections += o.tcpPerBatch;
      stats.batches = batch;
      if (!(await udpCheck(o)) || !(await tcpCheck(o))) stats.failedChecks.push(batch);
      await o.onBatch?.(batch, stats);
    }
  } finally {
    udp.close();
  }
  return stats;
}
