import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from '../logger.js';
import { IncompleteMessageTimer, type IncompleteMessageTarget } from '../security/incomplete-message-timer.js';
import { newFlowId, type Flow } from './flow.js';
import type { IdleFlow, IdleSweep } from './idle-sweep.js';
import type { HostPort, Source, TransportProtocol } from '../../../contracts/transport.js';

export interface WsFlowEvents {
  onMessage(data: Buffer, source: Source): void;
  onClose(flow: Flow): void;
}

/** What every flow of one transport shares (one object, not one per flow). */
export interface WsFlowContext {
  logger: Logger;
  events: WsFlowEvents;
  idle: IdleSweep;
  /** Gives back the connection slot of an admitted address (security-gate.ts). */
  releaseConnection?: (address: string) => void;
}

const CRLF_PING = /^(\r\n)+$/;

/**
 * The flow an emitter belongs to. The listeners below are module functions
 * shared by every flow — Node calls a listener with the emitter as `this` —
 * so a flow that lives for hours holds no closure per event (issue 14: at
 * most 8 kB per idle flow).
 */
const FLOW = Symbol('nimbus.wsFlow');
type Tagged = { [FLOW]?: WsFlow };

function onWsMessage(this: object, data: Buffer | ArrayBuffer | Buffer[]): void {
  (this as Tagged)[FLOW]?.receive(toBuffer(data));
}
function onWsControlFrame(this: object): void {
  (this as Tagged)[FLOW]?.frameCompleted();
}
function onWsError(this: object, err: Error): void {
  (this as Tagged)[FLOW]?.failed(err);
}
function onWsClose(this: object): void {
  (this as Tagged)[FLOW]?.finish();
}
function onSocketData(this: Tagged): void {
  this[FLOW]?.bytesArrived();
}
function onSocketClose(this: Tagged): void {
  this[FLOW]?.socketClosed();
}

/**
 * A SIP-over-WebSocket connection (RFC 7118): every WebSocket message carries
 * exactly one SIP message (§5.2), so no Content-Length framing is needed.
 * CRLF keep-alives (RFC 5626 §3.5.1 style, sent by some clients) are answered.
 *
 * It exists from the HTTP upgrade on (`watch`), so the slow-sender clock and
 * the connection slot cover the handshake, and carries SIP once the
 * handshake completes (`attach`). Silence is closed by the transport's
 * shared idle sweep (idle-sweep.ts).
 */
export class WsFlow implements Flow, IdleFlow, IncompleteMessageTarget {
  readonly id: string;
  lastActiveAt = 0;
  private ws?: WebSocket;
  private socket?: Duplex;
  private closed = false;
  private readonly incomplete?: IncompleteMessageTimer;

  constructor(
    readonly protocol: TransportProtocol,
    readonly remote: HostPort,
    private readonly context: WsFlowContext,
    /** The address whose connection slot this flow holds (released when the socket closes). */
    private admitted?: string,
    /** Slowloris: how long a frame (or the handshake) may stay incomplete; absent = no limit. */
    headerTimeoutMs?: number,
  ) {
    this.id = newFlowId(protocol);
    if (headerTimeoutMs !== undefined) this.incomplete = new IncompleteMessageTimer(headerTimeoutMs, this);
  }

  /** The upgraded socket, before the WebSocket's own listeners: a frame completing in a chunk settles the clock after it starts. */
  watch(socket: Duplex): void {
    this.socket = socket;
    (socket as Tagged)[FLOW] = this;
    if (this.incomplete) socket.on('data', onSocketData);
    socket.on('close', onSocketClose);
  }

  /** The handshake completed: SIP flows from now on. */
  attach(ws: WebSocket): void {
    this.ws = ws;
    (ws as unknown as Tagged)[FLOW] = this;
    ws.on('message', onWsMessage);
    ws.on('error', onWsError);
    ws.on('close', onWsClose);
    ws.on('ping', onWsControlFrame);
    ws.on('pong', onWsControlFrame);
    this.lastActiveAt = Date.now();
    this.context.idle.add(this);
  }

  get open(): boolean {
    return !this.closed && this.ws !== undefined && this.ws.readyState === this.ws.OPEN;
  }

  send(data: string): boolean {
    if (!this.open) return false;
    this.ws!.send(data);
    return true;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.context.logger.debug({ flow: this.id, reason }, 'closing websocket flow');
    if (this.ws) {
      // 1000 = normal closure; either way the peer must reconnect.
      const ws = this.ws;
      ws.close(1000, reason.slice(0, 100));
      setTimeout(() => ws.terminate(), 1000).unref();
    } else this.socket?.destroy();
    this.finish();
  }

  closeIdle(): void {
    this.close('idle timeout');
  }

  /** Slowloris: a frame or the handshake stayed incomplete too long; the peer gets nothing more, not even a close frame. */
  incompleteMessageTimedOut(): void {
    this.socket?.destroy();
  }

  /** @internal listeners above */
  receive(data: Buffer): void {
    this.frameCompleted();
    if (CRLF_PING.test(data.toString('latin1'))) {
      if (data.length >= 4) this.ws!.send('\r\n');
      return;
    }
    this.context.events.onMessage(data, { protocol: this.protocol, address: this.remote.address, port: this.remote.port, flowId: this.id });
  }

  /** @internal */
  frameCompleted(): void {
    this.lastActiveAt = Date.now();
    this.incomplete?.completed();
  }

  /** @internal */
  bytesArrived(): void {
    this.incomplete?.pending();
  }

  /** @internal */
  failed(err: Error): void {
    this.context.logger.debug({ err, flow: this.id }, 'websocket error');
  }

  /** @internal the TCP connection is gone (also when the handshake never completed). */
  socketClosed(): void {
    this.incomplete?.stop();
    const address = this.admitted;
    this.admitted = undefined;
    if (address !== undefined) this.context.releaseConnection?.(address);
  }

  /** @internal */
  finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.incomplete?.stop();
    this.context.idle.delete(this);
    // A flow that never carried SIP was never registered nor announced.
    if (this.ws) this.context.events.onClose(this);
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
