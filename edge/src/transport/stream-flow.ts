import type { Socket } from 'node:net';
import { StreamFramer } from '../../../sip/index.js';
import type { Logger } from '../logger.js';
import { IncompleteMessageTimer } from '../security/incomplete-message-timer.js';
import { newFlowId, type Flow } from './flow.js';
import type { HostPort, Source, TransportProtocol } from '../../../contracts/transport.js';

export interface StreamFlowEvents {
  onMessage(data: Buffer, source: Source): void;
  onClose(flow: Flow): void;
}

/** Slow-sender protection (edge/src/security): how long a partial message may stay incomplete. */
export interface StreamFlowGuard {
  headerTimeoutMs: number;
  /** Accepted (not dialled) connection: it must send a complete message or a keep-alive within the timeout too. */
  inbound: boolean;
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
  private readonly incomplete?: IncompleteMessageTimer;

  constructor(
    readonly protocol: TransportProtocol,
    private readonly socket: Socket,
    private readonly logger: Logger,
    private readonly events: StreamFlowEvents,
    idleTimeoutMs: number,
    guard?: StreamFlowGuard,
  ) {
    this.id = newFlowId(protocol);
    if (guard) {
      this.incomplete = new IncompleteMessageTimer(guard.headerTimeoutMs, () => this.close('incomplete message timeout'));
      // A connection someone opened to us must say something (a message or a keep-alive) in time, too.
      if (guard.inbound) this.incomplete.pending();
    }
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
    let progressed = false;
    for (const event of this.framer.push(chunk)) {
      if (event.type === 'message') {
        progressed = true;
        this.events.onMessage(event.data, { protocol: this.protocol, address: this.remote.address, port: this.remote.port, flowId: this.id });
      } else if (event.type === 'keepalive') {
        progressed = true;
        if (event.pong) this.socket.write('\r\n');
      } else {
        this.logger.debug({ flow: this.id, reason: event.reason }, 'stream framing error');
        this.close(event.reason);
        return;
      }
      if (this.closed) return;
    }
    // Slowloris (edge/src/security): a message may stay incomplete only so long.
    if (progressed) this.incomplete?.completed(this.framer.buffered > 0);
    else if (this.framer.buffered > 0) this.incomplete?.pending();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.incomplete?.stop();
    this.events.onClose(this);
  }
}
