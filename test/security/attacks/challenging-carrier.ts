import dgram from 'node:dgram';
import { createResponse, getHeader, parseMessage, serializeMessage, type SipRequest } from '../../../sip/index.js';

export interface ChallengingCarrier {
  port: number;
  /** Every request that arrived (ACKs left out). */
  requests: SipRequest[];
  /** Requests that carried credentials: what an attacker would crack offline. */
  credentialed(): SipRequest[];
  close(): Promise<void>;
}

const hasCredentials = (req: SipRequest): boolean =>
  getHeader(req, 'Authorization') !== undefined || getHeader(req, 'Proxy-Authorization') !== undefined;

/**
 * A carrier — or whoever answers in its place — that challenges every INVITE
 * (407) and REGISTER (401) for `realm`, and refuses a credentialed INVITE
 * with 486 / accepts a credentialed REGISTER with 200 so the exchange ends.
 */
export async function startChallengingCarrier(realm: string): Promise<ChallengingCarrier> {
  const socket = dgram.createSocket('udp4');
  const requests: SipRequest[] = [];
  let nonce = 0;
  socket.on('message', (data, rinfo) => {
    const parsed = parseMessage(data);
    if (!parsed.ok || parsed.message.kind !== 'request' || parsed.message.method === 'ACK') return;
    const req = parsed.message;
    requests.push(req);
    const reply = (status: number, reason: string, headers: { name: string; value: string }[] = []) =>
      socket.send(serializeMessage(createResponse(req, status, reason, { toTag: 'evil', headers })), rinfo.port, rinfo.address);
    const challenge = `Digest realm="${realm}", nonce="n${++nonce}", algorithm=MD5`;
    if (req.method === 'INVITE') {
      if (hasCredentials(req)) reply(486, 'Busy Here');
      else reply(407, 'Proxy Authentication Required', [{ name: 'Proxy-Authenticate', value: challenge }]);
    } else if (req.method === 'REGISTER') {
      if (hasCredentials(req)) reply(200, 'OK', [{ name: 'Contact', value: `${getHeader(req, 'Contact') ?? ''};expires=60` }]);
      else reply(401, 'Unauthorized', [{ name: 'WWW-Authenticate', value: challenge }]);
    } else {
      reply(200, 'OK');
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    requests,
    credentialed: () => requests.filter(hasCredentials),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
