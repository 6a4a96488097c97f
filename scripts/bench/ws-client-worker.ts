/**
 * One client process of scripts/bench-ws-clients.ts: holds a share of the
 * WebSocket clients (each process has its own open-file limit, and the
 * edge's memory is measured apart from all of them). Every client is a
 * browser-style softphone (RFC 7118): a WebSocket with subprotocol "sip"
 * from one of the given 127.x.y.z source addresses, REGISTER, 401,
 * REGISTER with digest, 200 — then silent until the parent asks for a
 * refresh round (the same Call-ID, the next CSeq, challenged again, as
 * a client that keeps no nonce is) or for the end.
 *
 * Driven over the IPC channel of child_process.fork:
 *   parent → {type:'register', …}  worker → {type:'registered', ok, failed, failures, seconds}
 *   parent → {type:'refresh', rate} worker → {type:'refreshed', ok, failed, failures, seconds}
 *   parent → {type:'close'}         worker closes every socket and exits
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { getHeader, parseMessage } from '../../sip/index.js';
import type { SipResponse } from '../../sip/message.js';
import { answerChallenge, registerRequest } from '../../test/support/register-request.js';

export interface RegisterCommand {
  type: 'register';
  url: string;
  domain: string;
  password: string;
  /** Users u<first> … u<first+count-1>. */
  first: number;
  count: number;
  /** Source addresses, used round-robin (per-address limits of the edge). */
  addresses: string[];
  /** New clients per second from this process. */
  rate: number;
  expires: number;
  /** Registrations in flight at most (back-pressure when the stack lags). */
  maxInFlight: number;
}

export interface RoundReport {
  ok: number;
  failed: number;
  failures: Record<string, number>;
  seconds: number;
}

/** Timer F of RFC 3261 §17.1.2.2 (64 × T1): a non-INVITE transaction gives up after 32 s. */
const TRANSACTION_TIMEOUT_MS = 32_000;

class Client {
  private cseq = 1;
  private waiter?: { cseq: number; resolve: (r: SipResponse) => void };
  private readonly host = `${randomBytes(6).toString('hex')}.invalid`;
  private readonly callId = `${randomBytes(8).toString('hex')}@bench`;

  private constructor(
    private readonly socket: WebSocket,
    readonly user: string,
  ) {
    socket.on('message', (data: Buffer) => {
      const parsed = parseMessage(data);
      if (!parsed.ok || parsed.message.kind !== 'response') return;
      const cseq = Number.parseInt(getHeader(parsed.message, 'CSeq') ?? '', 10);
      if (this.waiter?.cseq === cseq) {
        const { resolve } = this.waiter;
        this.waiter = undefined;
        resolve(parsed.message);
      }
    });
  }

  static connect(url: string, user: string, localAddress: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      // perMessageDeflate off: SIP messages are small, and browsers' SIP stacks rarely negotiate it.
      const socket = new WebSocket(url, ['sip'], { localAddress, perMessageDeflate: false, handshakeTimeout: TRANSACTION_TIMEOUT_MS });
      socket.once('open', () => resolve(new Client(socket, user)));
      socket.once('error', (err) => reject(new Error(`connect: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade ${res.statusCode}`)));
    });
  }

  /** REGISTER, answer the 401 with digest, expect 200. Throws with a short reason otherwise. */
  async register(domain: string, password: string, expires: number): Promise<void> {
    const contact = `<sip:${this.user}@${this.host};transport=ws>`;
    const base = { transport: 'WS' as const, localHost: this.host, localPort: 0, user: this.user, domain, callId: this.callId, contact, expires };
    const first = await this.request(registerRequest({ ...base, cseq: this.cseq }));
    if (first.status === 200) return;
    if (first.status !== 401) throw new Error(`status ${first.status}`);
    const authorization = answerChallenge(first, { user: this.user, password, uri: `sip:${domain}` });
    const second = await this.request(registerRequest({ ...base, cseq: this.cseq, authorization }));
    if (second.status !== 200) throw new Error(`status ${second.status}`);
  }

  close(): void {
    this.socket.terminate();
  }

  private request(text: string): Promise<SipResponse> {
    const cseq = this.cseq++;
    return new Promise((resolve, reject) => {
      if (this.socket.readyState !== WebSocket.OPEN) return reject(new Error('socket closed'));
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error('timeout'));
      }, TRANSACTION_TIMEOUT_MS);
      this.waiter = {
        cseq,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      this.socket.send(text);
    });
  }
}

const clients: Client[] = [];
let command: RegisterCommand;

/** Runs `task` for `count` items at `rate` per second, at most `maxInFlight` at once; counts the outcomes. */
async function paced(count: number, rate: number, maxInFlight: number, task: (i: number) => Promise<void>): Promise<RoundReport> {
  const started = Date.now();
  const report: RoundReport = { ok: 0, failed: 0, failures: {}, seconds: 0 };
  let inFlight = 0;
  let slotFreed: (() => void) | undefined;
  const all: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    while (inFlight >= maxInFlight) await new Promise<void>((r) => (slotFreed = r));
    inFlight++;
    all.push(
      task(i)
        .then(() => void report.ok++)
        .catch((err: Error) => {
          report.failed++;
          report.failures[err.message] = (report.failures[err.message] ?? 0) + 1;
        })
        .finally(() => {
          inFlight--;
          slotFreed?.();
          slotFreed = undefined;
        }),
    );
  }
  await Promise.all(all);
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

process.on('message', async (message: RegisterCommand | { type: 'refresh'; rate: number } | { type: 'close' }) => {
  if (message.type === 'register') {
    command = message;
    const report = await paced(command.count, command.rate, command.maxInFlight, async (i) => {
      const client = await Client.connect(command.url, `u${command.first + i}`, command.addresses[i % command.addresses.length]);
      clients.push(client);
      await client.register(command.domain, command.password, command.expires);
    });
    process.send!({ type: 'registered', ...report });
  } else if (message.type === 'refresh') {
    const report = await paced(clients.length, message.rate, command.maxInFlight, (i) => clients[i].register(command.domain, command.password, command.expires));
    process.send!({ type: 'refreshed', ...report });
  } else {
    for (const client of clients) client.close();
    process.disconnect();
    setTimeout(() => process.exit(0), 200).unref();
  }
});
