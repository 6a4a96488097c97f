import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from '../logger.js';
import type { HostPort, Source } from '../../../contracts/transport.js';

export type DatagramHandler = (data: Buffer, source: Source) => void;

/** SIP over UDP (RFC 3261 §18): one message per datagram, no flows. */
export class UdpTransport {
  private socket?: dgram.Socket;

  constructor(
    private readonly logger: Logger,
    private readonly onDatagram: DatagramHandler,
  ) {}

  async listen(bind: string, port: number): Promise<HostPort> {
    const socket = dgram.createSocket({ type: isIPv6(bind) ? 'udp6' : 'udp4', reuseAddr: false });
    this.socket = socket;
    socket.on('message', (data, rinfo) => {
      this.onDatagram(data, { protocol: 'udp', address: rinfo.address, port: rinfo.port });
    });
    // A UDP socket error (e.g. ICMP-induced on some platforms) must never take the edge down.
    socket.on('error', (err) => this.logger.warn({ err }, 'udp socket error'));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, bind, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const addr = socket.address();
    return { address: addr.address, port: addr.port };
  }

  send(data: string, to: HostPort): boolean {
    if (!this.socket) return false;
    this.socket.send(data, to.port, to.address, (err) => {
      if (err) this.logger.debug({ err, to }, 'udp send failed');
    });
    return true;
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
