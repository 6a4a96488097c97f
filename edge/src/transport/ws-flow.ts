import type { WebSocket } from 'ws';
import type { Logger } from '../logger.js';
import { newFlowId, type Flow } from './flow.js';
import type { HostPort, Source, TransportProtocol } from '../../../contracts/transport.js';

export interface WsFlowEvents {
  onMessage(data: Buffer, source: Source): void;
  onClose(flow: Flow): void;
}

const CRLF_PING = /^(\r\n)+$/;

/**
 * A SIP-over-WebSocket connection (RFC 7118): every WebSocket message carries
 * exactly one SIP message (§5.2), so no Content-Length framing is needed.
 * CRLF keep-alives (RFC 5626 §3.5.1 style, sent by some clients) are answered.
 */
export class WsFlow implements Flow {
  readonly id: string;
  private closed = false;
  private idleTimer?: NodeJS.Timeout;

  constructor(
    readonly protocol: TransportProtocol,
    private readonly socket: WebSocket,
    readonly remote: HostPort,
    private readonly logger: Logger,
    private readonly events: WsFlowEvents,
    private readonly idleTimeoutMs: number,
  ) {
    this.id = newFlowId(protocol);
    this.touch();
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => this.receive(toBuffer(data)));
    socket.on('error', (err) => this.logger.debug({ err, flow: this.id }, 'websocket error'));
    socket.on('close', () => this.finish());
  }

  get open(): boolean {
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  send(data: string): boolean {
    if (!this.open) return false;
    this.socket.send(data);
    return true;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.logger.debug({ flow: this.id, reason }, 'closing websocket flow');
    // 1008 = policy violation, 1000 = normal; either way the peer must reconnect.
    this.socket.close(1000, reason.slice(0, 100));
    setTimeout(() => this.socket.terminate(), 1000).unref();
    this.finish();
  }

  private receive(data: Buffer): void {
    this.touch();
    if (CRLF_PING.test(data.toString('latin1'))) {
      if (data.length >= 4) this.socket.send('\r\n');
      return;
    }
    this.events.onMessage(data, { protocol: this.protocol, address: this.remote.address, port: this.remote.port, flowId: this.id });
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close('idle timeout'), this.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.events.onClose(this);
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
