import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createResponse, parseMessage, serializeMessage } from '../../../sip/index.js';

export interface TlsCarrier {
  port: number;
  /** SIP request lines that arrived over an established TLS session. */
  requests: string[];
  /** Handshakes the client broke off (what a refused certificate looks like from here). */
  refusedHandshakes: number;
  close(): Promise<void>;
}

/**
 * A carrier — or an impostor holding some certificate — on TLS: records every
 * request that gets through and answers an INVITE with 486 so the call ends.
 * Listens on every address, so "localhost" reaches it as ::1 or 127.0.0.1.
 */
export async function startTlsCarrier(identity: { cert: Buffer; key: Buffer }): Promise<TlsCarrier> {
  const requests: string[] = [];
  const carrier = { refusedHandshakes: 0 };
  const server = tls.createServer({ ...identity }, (socket) => {
    socket.on('error', () => undefined);
    socket.on('data', (data) => {
      const parsed = parseMessage(data);
      if (!parsed.ok || parsed.message.kind !== 'request') return;
      const req = parsed.message;
      requests.push(`${req.method} ${req.uri}`);
      if (req.method === 'INVITE') socket.write(serializeMessage(createResponse(req, 486, 'Busy Here', { toTag: 'tls-carrier' })));
    });
  });
  server.on('tlsClientError', () => carrier.refusedHandshakes++);
  await new Promise<void>((resolve) => server.listen(0, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    get refusedHandshakes() {
      return carrier.refusedHandshakes;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
