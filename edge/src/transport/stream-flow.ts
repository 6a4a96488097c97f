import type { Socket } from 'node:net';
import { StreamFramer } from '../../../sip/index.js';
import type { Logger } from '../logger.js';
import { newFlowId, type Flow } from './flow.js';
import type { HostPort, Source, TransportProtocol } from './types.js';

export interface StreamFlowEvents {
  onMessage(data: Buffer, source: Source): void;
  onClose(flow: Flow): void;
}

/**
 * A TCP or TLS connection carrying SIP (RFC 3261 §18.3): messages are framed
 * by Content-Length; a double-CRLF ping is answered with a single CRLF
 * (RFC 5626 §3.5.1); a framing error closes the connection since the stream
 * can no longer be resynchronised.
 */
export class StreamFlow implements Flow {
  readonly id: string;
  readonly remote: HostPort;
  private readonly framer = new StreamFramer();
  private closed = false;

  constructor(
    readonly protocol: TransportProtocol,
    private readonly socket: Socket,
    private readonly logger: Logger,
    private readonly events: StreamFlowEvents,
    idleTimeoutMs: number,
  ) {
    this.id = newFlowId(protocol);
    this.remote = { address: socket.remoteAddress ?? '0.0.0.0', port: socket.remotePort ?? 0 };
    socket.setNoDelay(true);
    socket.setTimeout(idleTimeoutMs, () => this.close('idle timeout'));
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.logger.debug({ err, flow: this.id }, 'stream socket error'));
    socket.on('close', () => this.finish());
  }

  get open(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  send(data: string): boolean {
    if (!this.open) return false;
    this.socket.write(data);
    return true;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.logger.debug({ flow: this.id, reason }, 'closing stream flow');
    this.socket.destroy();
    this.finish();
  }

  private receive(chunk: Buffer): void {
    for (const event of this.framer.push(chunk)) {
      if (event.type === 'message') {
        this.events.onMessage(event.data, { protocol: this.protocol, address: this.remote.address, port: this.remote.port, flowId: this.id });
      } else if (event.type === 'keepalive') {
        if (event.pong) this.socket.write('\r\n');
      } else {
        this.logger.debug({ flow: this.id, reason: event.reason }, 'stream framing error');
        this.close(event.reason);
        return;
      }
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.onClose(this);
  }
}
