/**
 * Protection of the edge's HTTP port (SIP over WebSocket, RFC 7118, and the
 * softphone): a banned peer is disconnected at accept, and a connection that
 * has not sent its request — the WebSocket upgrade, RFC 6455 §4.1 — within
 * the handshake timeout is closed (slowloris: Node's own headersTimeout is
 * only checked every 30 s).
 */
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { SecurityGate } from './security-gate.js';

export function guardHttpServer(server: HttpServer, gate: SecurityGate): void {
  const waiting = new WeakMap<Socket, { timer: NodeJS.Timeout; onClose: () => void }>();
  const arm = (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), gate.handshakeTimeoutMs);
    timer.unref();
    const onClose = () => clearTimeout(timer);
    waiting.set(socket, { timer, onClose });
    socket.once('close', onClose);
  };
  // The close listener goes with the timer: a WebSocket flow lives for hours on this socket, and the
  // listener would keep the spent timer, its closure and once-wrapper (~300 bytes) alive for each one.
  const disarm = (socket: Socket) => {
    const armed = waiting.get(socket);
    if (!armed) return;
    clearTimeout(armed.timer);
    socket.off('close', armed.onClose);
    waiting.delete(socket);
  };

  server.on('connection', (socket: Socket) => {
    if (!gate.admitHttpConnection(socket.remoteAddress ?? '')) {
      socket.destroy();
      return;
    }
    // For HTTPS the request arrives on the TLS socket, armed below (the TLS handshake has its own timeout).
    if (!(server instanceof TlsServer)) arm(socket);
  });
  if (server instanceof TlsServer) server.on('secureConnection', (socket: Socket) => arm(socket));
  server.on('request', (req) => disarm(req.socket));
  server.on('upgrade', (req) => disarm(req.socket));
}
