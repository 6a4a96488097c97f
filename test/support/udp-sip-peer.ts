import dgram from 'node:dgram';
import { getHeader, parseMessage, parseVia, serializeMessage, type SipMessage } from '../../sip/index.js';

/** A message a peer received, and from where. */
export interface Received {
  message: SipMessage;
  from: { address: string; port: number };
}

/**
 * A SIP endpoint on a bare UDP socket of any 127.x.y.z address, for tests
 * that write every header themselves (an attacker forging Call-IDs and tags,
 * a callee that records what reaches it). It keeps every message it
 * received; `waitFor` hands out each one at most once.
 */
export class UdpSipPeer {
  readonly received: Received[] = [];
  private readonly taken = new Set<Received>();
  private readonly waiters: Array<() => void> = [];
  /** Called for every message as it arrives (a callee's automatic answers). */
  onMessage?: (r: Received) => void;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly address: string,
    readonly port: number,
  ) {
    socket.on('message', (data, rinfo) => {
      const parsed = parseMessage(data);
      if (!parsed.ok) return;
      const r: Received = { message: parsed.message, from: { address: rinfo.address, port: rinfo.port } };
      this.received.push(r);
      this.onMessage?.(r);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async bind(address = '127.0.0.1', port = 0): Promise<UdpSipPeer> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, address, () => resolve());
    });
    return new UdpSipPeer(socket, address, socket.address().port);
  }

  send(message: SipMessage | string, to: { address?: string; host?: string; port: number }): void {
    const text = typeof message === 'string' ? message : serializeMessage(message);
    this.socket.send(Buffer.from(text), to.port, to.address ?? to.host ?? '127.0.0.1');
  }

  /** The first message not handed out yet that matches; rejects after `timeoutMs`. */
  waitFor(match: (m: SipMessage) => boolean, timeoutMs = 5000, what = 'a matching SIP message'): Promise<Received> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.received.find((r) => !this.taken.has(r) && match(r.message));
        if (!found) return false;
        this.taken.add(found);
        resolve(found);
        return true;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(wake);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`${what}: none within ${timeoutMs} ms`));
      }, timeoutMs);
      const wake = (): void => {
        if (check()) clearTimeout(timer);
        else this.waiters.push(wake);
      };
      this.waiters.push(wake);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** The branch of a message's top Via (RFC 3261 §17.1.3 / §17.2.3 match transactions by it). */
export function topBranch(m: SipMessage): string | undefined {
  const via = getHeader(m, 'Via');
  return (via === undefined ? undefined : parseVia(via)?.params.branch) ?? undefined;
}

/** The method of a message's CSeq ("2 INVITE" → INVITE). */
export function cseqMethod(m: SipMessage): string | undefined {
  return getHeader(m, 'CSeq')?.trim().split(/\s+/)[1];
}
