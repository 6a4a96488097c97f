/**
 * Helpers of the fail-to-ban and hostile-input tests: REGISTER attempts
 * (right, wrong, or with broken credentials) from a chosen loopback address,
 * an OPTIONS probe, and a look at the bans the store holds.
 */
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { BanRepository } from '../../functions/src/fail-to-ban/ban-repository.js';
import type { Ban } from '../../contracts/fail-to-ban/ban.js';
import { createDocumentClient } from '../../contracts/store/dynamo-client.js';
import { getHeader, parseMessage } from '../../sip/index.js';
import type { SipMessage, SipResponse } from '../../sip/message.js';
import { asResponse, type RawSipClient } from '../support/raw-sip-client.js';
import { answerChallenge, registerRequest } from '../support/register-request.js';

export function optionsRequest(transport: 'UDP' | 'TCP' | 'WS', host: string, port: number, callId = `opt-${randomBytes(4).toString('hex')}`): string {
  return [
    'OPTIONS sip:127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/${transport} ${host}:${port};branch=z9hG4bK-${randomBytes(6).toString('hex')};rport`,
    'Max-Forwards: 70',
    'From: <sip:probe@127.0.0.1>;tag=probe',
    'To: <sip:127.0.0.1>',
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** True when the client gets an answer within `timeoutMs` (false = the edge stayed silent). */
export async function answers(client: RawSipClient, request: string | Buffer, timeoutMs = 1500): Promise<SipResponse | undefined> {
  const callId = /^Call-ID:\s*(.+?)\s*$/im.exec(request.toString())?.[1];
  client.send(request);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const res = asResponse(await client.next(Math.max(1, deadline - Date.now())));
      // A late answer to an earlier request of this client (a slow machine) is not this request's answer.
      if (callId === undefined || getHeader(res, 'Call-ID') === callId) return res;
    }
  } catch {
    return undefined;
  }
}

export interface Attempt {
  user: string;
  domain?: string;
  /** The password the credentials are computed with. */
  password: string;
  /** The username written in the credentials (default: `user`). */
  authUser?: string;
  /** Rewrites the credentials (e.g. another realm). */
  tamper?: (authorization: string) => string;
  transport?: 'UDP' | 'TCP' | 'WS';
}

/** A REGISTER answered to its challenge (RFC 3261 §22.2); returns the final response, or undefined when the edge stays silent. */
export async function registerAttempt(client: RawSipClient, localHost: string, attempt: Attempt, timeoutMs = 1500): Promise<SipResponse | undefined> {
  const domain = attempt.domain ?? 'acme.test';
  const base = { transport: attempt.transport ?? ('UDP' as const), localHost, localPort: client.localPort, user: attempt.user, domain, callId: `f2b-${randomBytes(6).toString('hex')}` };
  const contact = `<sip:${attempt.user}@${localHost}:${client.localPort}>`;
  const challenge = await answers(client, registerRequest({ ...base, cseq: 1, contact, expires: 300 }), timeoutMs);
  if (!challenge) return undefined;
  if (challenge.status !== 401) return challenge;
  let authorization = answerChallenge(challenge, { user: attempt.authUser ?? attempt.user, password: attempt.password, uri: `sip:${domain}` });
  if (attempt.tamper) authorization = attempt.tamper(authorization);
  return answers(client, registerRequest({ ...base, cseq: 2, contact, expires: 300, authorization }), timeoutMs);
}

export function statusOf(res: SipResponse | undefined): number | 'silence' {
  return res?.status ?? 'silence';
}

export function callIdOf(res: SipResponse): string | undefined {
  return getHeader(res, 'Call-ID');
}

/** The bans in the store the stack uses, read through the real DynamoDB API. */
export async function storedBans(storeEndpoint: string, includeExpired = false): Promise<Ban[]> {
  const doc = createDocumentClient({ endpoint: storeEndpoint });
  try {
    return await new BanRepository(doc, process.env.PBX_TABLE_NAME ?? 'nimbus-pbx').listBans(Date.now(), { includeExpired });
  } finally {
    doc.destroy();
  }
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * A SIP-over-WebSocket client (RFC 7118) from a chosen local address, with
 * extra upgrade headers (X-Forwarded-For as a proxy would add it).
 */
export async function wsFrom(url: string, localAddress: string, headers: Record<string, string> = {}): Promise<RawSipClient> {
  const socket = new WebSocket(url, ['sip'], { localAddress, headers });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  const queue: SipMessage[] = [];
  const waiters: Array<(m: SipMessage) => void> = [];
  socket.on('message', (data: Buffer) => {
    const parsed = parseMessage(Buffer.from(data));
    if (!parsed.ok) return;
    const waiter = waiters.shift();
    if (waiter) waiter(parsed.message);
    else queue.push(parsed.message);
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return {
    localPort: 0,
    raw: [],
    send: (data) => socket.send(data),
    next: (timeoutMs = 3000) => {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const done = (m: SipMessage) => {
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(done), 1);
          reject(new Error(`no SIP message within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(done);
      });
    },
    close: async () => {
      socket.terminate();
      await closed;
    },
    closed,
  };
}
